-- Attempt counters shared by every server (issue 19): per-address rate limits and the waits
-- after wrong receipt codes. Keys are keyed digests (never addresses). UNLOGGED: no WAL, so a
-- counter costs little on every request; a crash of PostgreSQL empties them, which gives a
-- client a few more attempts and nothing else.
CREATE UNLOGGED TABLE rate_windows (
    key           BYTEA NOT NULL,
    window_start  BIGINT NOT NULL,
    ends_at       TEXT COLLATE "C" NOT NULL,
    hits          INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_windows_ends ON rate_windows (ends_at);

CREATE UNLOGGED TABLE attempt_failures (
    key         BYTEA PRIMARY KEY,
    failures    INTEGER NOT NULL,
    wait_until  TEXT COLLATE "C",
    last_at     TEXT COLLATE "C" NOT NULL
);
