-- Mailbox intake (issue 22): every message read from an organisation's mailboxes, by a digest of
-- its Message-ID (`key`), stored in the same transaction as the report or supplement it became,
-- so a message read twice (a crash before it was moved, or sent to both addresses) is recognised
-- and not stored again. `ack_key` is the digest of the acknowledgement's own Message-ID: a reply
-- to the acknowledgement threads into the case.
CREATE TABLE mail_messages (
    org_id          TEXT NOT NULL,
    key             TEXT NOT NULL,
    case_id         TEXT NOT NULL,
    report_id       TEXT NOT NULL,
    new_case        INTEGER NOT NULL,
    received_at     TEXT NOT NULL,
    ack_at          TEXT,
    ack_key         TEXT,
    PRIMARY KEY (org_id, key)
);
CREATE INDEX mail_messages_ack ON mail_messages (org_id, ack_key);
CREATE INDEX mail_messages_case ON mail_messages (case_id);
