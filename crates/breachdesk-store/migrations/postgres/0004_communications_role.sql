-- The organisation's delegate for the letters to data subjects (issue 17): the role
-- `communications` joins the roles a membership and a role request may name.
ALTER TABLE memberships DROP CONSTRAINT memberships_role_check;
ALTER TABLE memberships ADD CONSTRAINT memberships_role_check
    CHECK (role IN ('dpo', 'security_manager', 'privacy_team', 'security_team', 'communications', 'auditor', 'admin'));
ALTER TABLE role_grants DROP CONSTRAINT role_grants_role_check;
ALTER TABLE role_grants ADD CONSTRAINT role_grants_role_check
    CHECK (role IN ('dpo', 'security_manager', 'privacy_team', 'security_team', 'communications', 'auditor', 'admin'));
