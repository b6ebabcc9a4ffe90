-- Letters to data subjects (Art. 34(2)): the recipients and the outbox of e-mail messages.
-- body columns hold AEAD ciphertext sealed with the case key; nothing here names a person in
-- clear. last_error holds the SMTP reply code and enhanced status only (never the server's text).

CREATE TABLE recipients (
    case_id     TEXT NOT NULL REFERENCES cases (id),
    seq         INTEGER NOT NULL,
    -- The row's id, bound into the ciphertext's associated data.
    id          TEXT NOT NULL UNIQUE,
    -- 1 when the person has an e-mail address; 0: a printed letter.
    email       INTEGER NOT NULL,
    body        BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;

-- One row per message: the id is the local part of its Message-ID. A message is queued once per
-- recipient and letter version (UNIQUE), claimed ('sending') before it is sent, and 'sent' or
-- 'failed' after; rows found 'sending' after a crash go back to 'queued' with in_doubt = 1.
CREATE TABLE outbox (
    id              TEXT PRIMARY KEY NOT NULL,
    case_id         TEXT NOT NULL REFERENCES cases (id),
    version         INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    in_doubt        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_attempt_at TEXT,
    queued_at       TEXT NOT NULL,
    sent_at         TEXT,
    body            BLOB NOT NULL,
    UNIQUE (case_id, version, seq)
);
CREATE INDEX outbox_status ON outbox (case_id, status, seq);

-- One delivery run per case at a time (the web server's or `breachdesk notify send`): the holder
-- renews its lease while it sends; a crashed holder's lease runs out and the next run takes over,
-- and only then re-queues what the crashed run left mid-send.
CREATE TABLE outbox_locks (
    case_id     TEXT PRIMARY KEY NOT NULL REFERENCES cases (id),
    holder      TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

-- An organisation's own wording of the notices: Fluent messages per language replacing the
-- defaults of the same id. Not personal data; changes are audited.
CREATE TABLE org_templates (
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    language    TEXT NOT NULL CHECK (language IN ('fi', 'sv', 'en')),
    source      TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT REFERENCES users (id),
    PRIMARY KEY (org_id, language)
);
