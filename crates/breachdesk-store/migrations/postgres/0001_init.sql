-- BreachDesk schema, PostgreSQL: the state the SQLite migrations 0001–0006 reach, in one step.
--
-- Kept close to the SQLite schema so that both backends share their Rust side and an installation
-- can be copied across: ids are UUIDs as text and timestamps RFC 3339 UTC text with fixed
-- microsecond precision, both made in Rust, never by SQL defaults. Timestamp columns use the "C"
-- collation so that text order is time order whatever the database's locale. Columns named
-- body/contact hold AEAD ciphertext sealed with the case key; data_key holds the case key wrapped
-- by the master key. Nothing here is readable without the master key.
--
-- Every unique rule is a named constraint (or unique index): the store maps a violation to its
-- conflict by that name (see `map_err` in src/postgres.rs).

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY,
    slug        TEXT NOT NULL CONSTRAINT organisations_slug_key UNIQUE,
    name        TEXT NOT NULL,
    ref_prefix  TEXT NOT NULL,
    dpo_name    TEXT,
    dpo_email   TEXT,
    dpo_phone   TEXT,
    created_at  TEXT COLLATE "C" NOT NULL
);

CREATE TABLE users (
    id                        TEXT PRIMARY KEY,
    email                     TEXT NOT NULL CONSTRAINT users_email_key UNIQUE,
    password_hash             TEXT NOT NULL,
    created_at                TEXT COLLATE "C" NOT NULL,
    disabled_at               TEXT COLLATE "C",
    display_name              TEXT,
    -- Installation administrators create organisations and accounts; they read no case content.
    installation_admin        BOOLEAN NOT NULL DEFAULT FALSE,
    -- The TOTP secret, sealed with the master key (AAD users.totp_secret/<id>); NULL until enrolled.
    totp_secret               BYTEA,
    totp_enrolled_at          TEXT COLLATE "C",
    -- The last TOTP time step accepted, so that a code is never accepted twice.
    totp_last_step            BIGINT,
    failed_logins             BIGINT NOT NULL DEFAULT 0,
    locked_until              TEXT COLLATE "C",
    preferred_language        TEXT NOT NULL DEFAULT 'fi',
    -- A password the operator printed on the console must be replaced at the first sign-in.
    password_change_required  BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE memberships (
    user_id     TEXT NOT NULL REFERENCES users (id),
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    role        TEXT NOT NULL CHECK (role IN ('dpo', 'security_manager', 'privacy_team', 'security_team', 'auditor', 'admin')),
    created_at  TEXT COLLATE "C" NOT NULL,
    CONSTRAINT memberships_pkey PRIMARY KEY (user_id, org_id, role)
);

CREATE TABLE api_tokens (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    token_hash  BYTEA NOT NULL CONSTRAINT api_tokens_hash_key UNIQUE,
    created_at  TEXT COLLATE "C" NOT NULL,
    revoked_at  TEXT COLLATE "C",
    name        TEXT NOT NULL DEFAULT '',
    scope       TEXT NOT NULL DEFAULT 'case_handling' CHECK (scope IN ('read_only', 'case_handling')),
    expires_at  TEXT COLLATE "C"
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The last case number per organisation and year. Taken with INSERT … ON CONFLICT DO UPDATE …
-- RETURNING inside the intake's transaction: the row lock orders concurrent intakes (on any
-- number of servers), and a rolled-back intake gives its number back.
CREATE TABLE case_counters (
    org_id  TEXT NOT NULL REFERENCES organisations (id),
    year    INTEGER NOT NULL,
    last    BIGINT NOT NULL,
    PRIMARY KEY (org_id, year)
);

CREATE TABLE cases (
    id                     TEXT PRIMARY KEY,
    org_id                 TEXT NOT NULL REFERENCES organisations (id),
    reference              TEXT NOT NULL CONSTRAINT cases_reference_key UNIQUE,
    status                 TEXT NOT NULL,
    created_at             TEXT COLLATE "C" NOT NULL,
    updated_at             TEXT COLLATE "C" NOT NULL,
    data_key               BYTEA,
    -- awareness_at starts the 72-hour clock; notified_at is when the authority was notified;
    -- notification_required is NULL until decided. categories: comma-separated category ids of
    -- the scope (ids only, for filtering; the scope itself is sealed in case_entries).
    awareness_at           TEXT COLLATE "C",
    notified_at            TEXT COLLATE "C",
    notification_required  BOOLEAN,
    categories             TEXT NOT NULL DEFAULT '',
    merged_into            TEXT REFERENCES cases (id),
    closed_at              TEXT COLLATE "C"
);
CREATE INDEX cases_org_created ON cases (org_id, created_at);
CREATE INDEX cases_status ON cases (org_id, status);

CREATE TABLE reports (
    id                    TEXT PRIMARY KEY,
    case_id               TEXT NOT NULL REFERENCES cases (id),
    kind                  TEXT NOT NULL CHECK (kind IN ('breach', 'processor', 'anonymous')),
    language              TEXT NOT NULL,
    created_at            TEXT COLLATE "C" NOT NULL,
    receipt_locator       TEXT NOT NULL CONSTRAINT reports_receipt_locator_key UNIQUE,
    receipt_hash          TEXT NOT NULL,
    receipt_failures      BIGINT NOT NULL DEFAULT 0,
    receipt_locked_until  TEXT COLLATE "C",
    body                  BYTEA NOT NULL,
    contact               BYTEA
);
CREATE INDEX reports_case ON reports (case_id, created_at);

CREATE TABLE supplements (
    id          TEXT PRIMARY KEY,
    report_id   TEXT NOT NULL REFERENCES reports (id),
    created_at  TEXT COLLATE "C" NOT NULL,
    body        BYTEA NOT NULL
);
CREATE INDEX supplements_report ON supplements (report_id, created_at);

-- The row number stands in for SQLite's rowid: it names a code to mark it used.
CREATE TABLE recovery_codes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    code_hash  TEXT NOT NULL,
    used_at    TEXT COLLATE "C",
    created_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- One-time links: the first administrator's setup and new accounts' password setting.
CREATE TABLE setup_tokens (
    token_hash BYTEA PRIMARY KEY,
    user_id    TEXT REFERENCES users (id),
    purpose    TEXT NOT NULL CHECK (purpose IN ('first_admin', 'account')),
    created_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL,
    used_at    TEXT COLLATE "C"
);

CREATE TABLE sessions (
    id_hash       BYTEA PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id),
    stage         TEXT NOT NULL CHECK (stage IN ('password', 'enrol', 'full')),
    csrf_token    TEXT NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    last_seen_at  TEXT COLLATE "C" NOT NULL,
    ended_at      TEXT COLLATE "C"
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE case_assignees (
    case_id     TEXT NOT NULL REFERENCES cases (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    created_at  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (case_id, user_id)
);

-- Named handlers of a joint controller a case is shared with. Nothing is shared implicitly.
CREATE TABLE case_shares (
    case_id     TEXT NOT NULL REFERENCES cases (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    shared_by   TEXT NOT NULL REFERENCES users (id),
    created_at  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (case_id, user_id)
);

-- The investigation record: one sealed JSON body per entry. ord keeps the order of entries
-- written at the same instant (SQLite's rowid).
CREATE TABLE case_entries (
    id          TEXT PRIMARY KEY,
    ord         BIGINT GENERATED ALWAYS AS IDENTITY,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    kind        TEXT NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    created_by  TEXT REFERENCES users (id),
    body        BYTEA NOT NULL
);
CREATE INDEX case_entries_case ON case_entries (case_id, created_at, ord);

-- Attachment content, sealed; the entry of kind 'attachment' describes it.
CREATE TABLE attachments (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    created_at  TEXT COLLATE "C" NOT NULL,
    size        BIGINT NOT NULL,
    body        BYTEA NOT NULL
);

-- Deadline reminders sent, one row per case and point (hours after awareness): each goes once,
-- across any number of servers (INSERT … ON CONFLICT DO NOTHING).
CREATE TABLE reminders_sent (
    case_id     TEXT NOT NULL REFERENCES cases (id),
    hours       BIGINT NOT NULL,
    sent_at     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (case_id, hours)
);

-- Append-only and hash-chained (see breachdesk_core::audit). Appends take a transaction-level
-- advisory lock first, so that writers on any number of servers chain one after another.
CREATE TABLE audit_log (
    seq        BIGINT PRIMARY KEY,
    at         TEXT COLLATE "C" NOT NULL,
    actor      TEXT,
    org_id     TEXT,
    case_id    TEXT,
    action     TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  BYTEA NOT NULL,
    hash       BYTEA NOT NULL
);
CREATE INDEX audit_log_case ON audit_log (case_id, seq);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Letters to data subjects (Art. 34(2)): the recipients and the outbox of e-mail messages.
-- last_error holds the SMTP reply code and enhanced status only (never the server's text).
CREATE TABLE recipients (
    case_id     TEXT NOT NULL REFERENCES cases (id),
    seq         BIGINT NOT NULL,
    -- The row's id, bound into the ciphertext's associated data.
    id          TEXT NOT NULL CONSTRAINT recipients_id_key UNIQUE,
    -- TRUE when the person has an e-mail address; FALSE: a printed letter.
    email       BOOLEAN NOT NULL,
    body        BYTEA NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (case_id, seq)
);

-- One row per message: the id is the local part of its Message-ID. A message is queued once per
-- recipient and letter version, claimed ('sending', with FOR UPDATE SKIP LOCKED so that
-- concurrent runs never claim the same row) before it is sent, and 'sent' or 'failed' after;
-- rows found 'sending' after a crash go back to 'queued' with in_doubt.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES cases (id),
    version         BIGINT NOT NULL,
    seq             BIGINT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    in_doubt        BOOLEAN NOT NULL DEFAULT FALSE,
    last_error      TEXT,
    next_attempt_at TEXT COLLATE "C",
    queued_at       TEXT COLLATE "C" NOT NULL,
    sent_at         TEXT COLLATE "C",
    body            BYTEA NOT NULL,
    CONSTRAINT outbox_case_version_seq_key UNIQUE (case_id, version, seq)
);
CREATE INDEX outbox_status ON outbox (case_id, status, seq);

-- One delivery run per case at a time: the holder renews its lease while it sends; a crashed
-- holder's lease runs out and the next run takes over.
CREATE TABLE outbox_locks (
    case_id     TEXT PRIMARY KEY REFERENCES cases (id),
    holder      TEXT NOT NULL,
    expires_at  TEXT COLLATE "C" NOT NULL
);

-- An organisation's own wording of the notices: Fluent messages per language.
CREATE TABLE org_templates (
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    language    TEXT NOT NULL CHECK (language IN ('fi', 'sv', 'en')),
    source      TEXT NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL,
    updated_by  TEXT REFERENCES users (id),
    PRIMARY KEY (org_id, language)
);

-- One row that `/readyz` and `/healthz` rewrite to prove the writer can commit durably.
CREATE TABLE writer_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at TEXT COLLATE "C" NOT NULL
);

-- A case-reading role requested by an administrator waits here for a decision; confirmed, it
-- becomes a membership. At most one open request per account, organisation and role.
CREATE TABLE role_grants (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id),
    org_id        TEXT NOT NULL REFERENCES organisations (id),
    role          TEXT NOT NULL CHECK (role IN ('dpo', 'security_manager', 'privacy_team', 'security_team', 'auditor', 'admin')),
    requested_by  TEXT NOT NULL REFERENCES users (id),
    requested_at  TEXT COLLATE "C" NOT NULL,
    decided_by    TEXT REFERENCES users (id),
    decided_at    TEXT COLLATE "C",
    outcome       TEXT CHECK (outcome IN ('confirmed', 'refused'))
);
CREATE UNIQUE INDEX role_grants_open ON role_grants (user_id, org_id, role) WHERE decided_at IS NULL;
CREATE INDEX role_grants_org ON role_grants (org_id, decided_at);
