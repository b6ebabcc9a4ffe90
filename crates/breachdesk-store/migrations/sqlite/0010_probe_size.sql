-- The writer probe (`/healthz`, `/readyz`) writes as much as a report and more, so that it
-- fails where a report would (issue 17: a full disk with a few pages left in the log).
ALTER TABLE writer_probe ADD COLUMN pad BLOB;
