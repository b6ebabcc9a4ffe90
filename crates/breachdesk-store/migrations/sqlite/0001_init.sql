-- BreachDesk schema, SQLite. Ids are UUIDs as text and timestamps RFC 3339 UTC text with fixed
-- microsecond precision (so text order is time order); both are made in Rust, never by SQL defaults.
-- Columns named body/contact hold AEAD ciphertext sealed with the case key; data_key holds the
-- case key wrapped by the master key. Nothing here is readable without the master key.

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY NOT NULL,
    slug        TEXT NOT NULL CONSTRAINT organisations_slug_key UNIQUE,
    name        TEXT NOT NULL,
    ref_prefix  TEXT NOT NULL,
    dpo_name    TEXT,
    dpo_email   TEXT,
    dpo_phone   TEXT,
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY NOT NULL,
    email          TEXT NOT NULL CONSTRAINT users_email_key UNIQUE,
    password_hash  TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    disabled_at    TEXT
);

CREATE TABLE memberships (
    user_id     TEXT NOT NULL REFERENCES users (id),
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    role        TEXT NOT NULL CHECK (role IN ('dpo', 'security_manager', 'privacy_team', 'security_team', 'auditor', 'admin')),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, org_id, role)
);

CREATE TABLE api_tokens (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    token_hash  BLOB NOT NULL CONSTRAINT api_tokens_hash_key UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);

CREATE TABLE case_counters (
    org_id  TEXT NOT NULL REFERENCES organisations (id),
    year    INTEGER NOT NULL,
    last    INTEGER NOT NULL,
    PRIMARY KEY (org_id, year)
);

CREATE TABLE cases (
    id          TEXT PRIMARY KEY NOT NULL,
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    reference   TEXT NOT NULL CONSTRAINT cases_reference_key UNIQUE,
    status      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    data_key    BLOB
);
CREATE INDEX cases_org_created ON cases (org_id, created_at);

CREATE TABLE reports (
    id                    TEXT PRIMARY KEY NOT NULL,
    case_id               TEXT NOT NULL REFERENCES cases (id),
    kind                  TEXT NOT NULL CHECK (kind IN ('breach', 'processor', 'anonymous')),
    language              TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    receipt_locator       TEXT NOT NULL CONSTRAINT reports_receipt_locator_key UNIQUE,
    receipt_hash          TEXT NOT NULL,
    receipt_failures      INTEGER NOT NULL DEFAULT 0,
    receipt_locked_until  TEXT,
    body                  BLOB NOT NULL,
    contact               BLOB
);
CREATE INDEX reports_case ON reports (case_id, created_at);

CREATE TABLE supplements (
    id          TEXT PRIMARY KEY NOT NULL,
    report_id   TEXT NOT NULL REFERENCES reports (id),
    created_at  TEXT NOT NULL,
    body        BLOB NOT NULL
);
CREATE INDEX supplements_report ON supplements (report_id, created_at);
