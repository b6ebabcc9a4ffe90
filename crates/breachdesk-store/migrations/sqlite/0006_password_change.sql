-- A password the operator printed on the console (`breachdesk user create`) must be replaced
-- by its owner at the first sign-in (issue 17). Cleared when the password is set.
ALTER TABLE users ADD COLUMN password_change_required INTEGER NOT NULL DEFAULT 0;
