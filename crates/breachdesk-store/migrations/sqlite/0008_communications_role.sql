-- The organisation's delegate for the letters to data subjects (issue 17): the role
-- `communications` joins the roles a membership and a role request may name. SQLite cannot
-- change a CHECK constraint in place, so both tables are rebuilt with their indexes; nothing
-- refers to either table.

CREATE TABLE memberships_new (
    user_id     TEXT NOT NULL REFERENCES users (id),
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    role        TEXT NOT NULL CHECK (role IN ('dpo', 'security_manager', 'privacy_team', 'security_team', 'communications', 'auditor', 'admin')),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, org_id, role)
);
INSERT INTO memberships_new (user_id, org_id, role, created_at)
    SELECT user_id, org_id, role, created_at FROM memberships;
DROP TABLE memberships;
ALTER TABLE memberships_new RENAME TO memberships;

CREATE TABLE role_grants_new (
    id            TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id),
    org_id        TEXT NOT NULL REFERENCES organisations (id),
    role          TEXT NOT NULL CHECK (role IN ('dpo', 'security_manager', 'privacy_team', 'security_team', 'communications', 'auditor', 'admin')),
    requested_by  TEXT NOT NULL REFERENCES users (id),
    requested_at  TEXT NOT NULL,
    decided_by    TEXT REFERENCES users (id),
    decided_at    TEXT,
    outcome       TEXT CHECK (outcome IN ('confirmed', 'refused'))
);
INSERT INTO role_grants_new
    SELECT id, user_id, org_id, role, requested_by, requested_at, decided_by, decided_at, outcome
    FROM role_grants;
DROP TABLE role_grants;
ALTER TABLE role_grants_new RENAME TO role_grants;
CREATE UNIQUE INDEX role_grants_open ON role_grants (user_id, org_id, role) WHERE decided_at IS NULL;
CREATE INDEX role_grants_org ON role_grants (org_id, decided_at);
