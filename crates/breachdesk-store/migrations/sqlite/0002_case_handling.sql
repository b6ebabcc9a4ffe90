-- Case handling: sign-in with a second factor, sessions, the workflow columns of a case, the
-- investigation record, shares, reminders and the hash-chained audit trail.
-- Columns named body/secret hold AEAD ciphertext; *_hash columns hold Argon2id PHC strings or
-- SHA-256 digests of random tokens, never the tokens.

ALTER TABLE users ADD COLUMN display_name TEXT;
-- Installation administrators create organisations and accounts; they read no case content.
ALTER TABLE users ADD COLUMN installation_admin INTEGER NOT NULL DEFAULT 0;
-- The TOTP secret, sealed with the master key (AAD users.totp_secret/<id>); NULL until enrolled.
ALTER TABLE users ADD COLUMN totp_secret BLOB;
ALTER TABLE users ADD COLUMN totp_enrolled_at TEXT;
-- The last TOTP time step accepted, so that a code is never accepted twice.
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TEXT;
ALTER TABLE users ADD COLUMN preferred_language TEXT NOT NULL DEFAULT 'fi';

CREATE TABLE recovery_codes (
    user_id    TEXT NOT NULL REFERENCES users (id),
    code_hash  TEXT NOT NULL,
    used_at    TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- One-time links: the first administrator's setup and new accounts' password setting.
CREATE TABLE setup_tokens (
    token_hash BLOB PRIMARY KEY NOT NULL,
    user_id    TEXT REFERENCES users (id),
    purpose    TEXT NOT NULL CHECK (purpose IN ('first_admin', 'account')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);

CREATE TABLE sessions (
    id_hash       BLOB PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id),
    -- 'password' = first factor passed, waiting for TOTP; 'full' = signed in.
    stage         TEXT NOT NULL CHECK (stage IN ('password', 'enrol', 'full')),
    csrf_token    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    ended_at      TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Workflow columns. awareness_at starts the 72-hour clock; notified_at is when the authority was
-- notified; notification_required is NULL until decided. categories: comma-separated category ids
-- of the scope (ids only, for filtering; the scope itself is sealed in case_entries).
ALTER TABLE cases ADD COLUMN awareness_at TEXT;
ALTER TABLE cases ADD COLUMN notified_at TEXT;
ALTER TABLE cases ADD COLUMN notification_required INTEGER;
ALTER TABLE cases ADD COLUMN categories TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN merged_into TEXT REFERENCES cases (id);
ALTER TABLE cases ADD COLUMN closed_at TEXT;
CREATE INDEX cases_status ON cases (org_id, status);

CREATE TABLE case_assignees (
    case_id     TEXT NOT NULL REFERENCES cases (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (case_id, user_id)
);

-- Named handlers of a joint controller a case is shared with. Nothing is shared implicitly.
CREATE TABLE case_shares (
    case_id     TEXT NOT NULL REFERENCES cases (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    shared_by   TEXT NOT NULL REFERENCES users (id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (case_id, user_id)
);

-- The investigation record: one sealed JSON body per entry (timeline event, task, meeting,
-- communication, question, answer, scope version, status change, awareness change, note).
CREATE TABLE case_entries (
    id          TEXT PRIMARY KEY NOT NULL,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    kind        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT REFERENCES users (id),
    body        BLOB NOT NULL
);
CREATE INDEX case_entries_case ON case_entries (case_id, created_at);

-- Attachment content, sealed; the entry of kind 'attachment' describes it.
CREATE TABLE attachments (
    id          TEXT PRIMARY KEY NOT NULL,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    created_at  TEXT NOT NULL,
    size        INTEGER NOT NULL,
    body        BLOB NOT NULL
);

-- Deadline reminders sent, one row per case and point (hours after awareness): each goes once.
CREATE TABLE reminders_sent (
    case_id     TEXT NOT NULL REFERENCES cases (id),
    hours       INTEGER NOT NULL,
    sent_at     TEXT NOT NULL,
    PRIMARY KEY (case_id, hours)
);

-- Append-only and hash-chained (see breachdesk_core::audit).
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY NOT NULL,
    at         TEXT NOT NULL,
    actor      TEXT,
    org_id     TEXT,
    case_id    TEXT,
    action     TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  BLOB NOT NULL,
    hash       BLOB NOT NULL
);
CREATE INDEX audit_log_case ON audit_log (case_id, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
