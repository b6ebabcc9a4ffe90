-- The end of a case's life (issue 21): its retention date, a legal hold, and the tombstone a
-- destroyed case leaves (no personal data: the register's facts without free text).
ALTER TABLE cases ADD COLUMN retain_until TEXT COLLATE "C";
ALTER TABLE cases ADD COLUMN hold_reason TEXT;
ALTER TABLE cases ADD COLUMN hold_until TEXT COLLATE "C";
ALTER TABLE cases ADD COLUMN hold_by TEXT REFERENCES users (id);
ALTER TABLE cases ADD COLUMN hold_at TEXT COLLATE "C";
ALTER TABLE cases ADD COLUMN destroyed_at TEXT COLLATE "C";
ALTER TABLE cases ADD COLUMN tombstone TEXT;
CREATE INDEX cases_due ON cases (retain_until) WHERE destroyed_at IS NULL;
ALTER TABLE organisations ADD COLUMN retention_years INTEGER NOT NULL DEFAULT 10;
ALTER TABLE organisations ADD COLUMN unfounded_retention_days INTEGER NOT NULL DEFAULT 365;
