-- Separation of duties and offboarding (issue 17).

-- A case-reading role requested by an administrator waits here for a DPO of the organisation
-- (or, for its first DPO, a second administrator); confirmed, it becomes a membership.
CREATE TABLE role_grants (
    id            TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id),
    org_id        TEXT NOT NULL REFERENCES organisations (id),
    role          TEXT NOT NULL CHECK (role IN ('dpo', 'security_manager', 'privacy_team', 'security_team', 'auditor', 'admin')),
    requested_by  TEXT NOT NULL REFERENCES users (id),
    requested_at  TEXT NOT NULL,
    decided_by    TEXT REFERENCES users (id),
    decided_at    TEXT,
    outcome       TEXT CHECK (outcome IN ('confirmed', 'refused'))
);
CREATE UNIQUE INDEX role_grants_open ON role_grants (user_id, org_id, role) WHERE decided_at IS NULL;
CREATE INDEX role_grants_org ON role_grants (org_id, decided_at);

-- API tokens carry a name, a scope and an expiry; old tokens keep the case-handling scope and
-- no expiry (they can now be listed and revoked).
ALTER TABLE api_tokens ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'case_handling' CHECK (scope IN ('read_only', 'case_handling'));
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
CREATE INDEX api_tokens_user ON api_tokens (user_id);
