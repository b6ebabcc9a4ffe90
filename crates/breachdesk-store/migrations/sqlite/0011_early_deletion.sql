-- Early deletion (issue 21): a DPO asks for an unfounded case to be destroyed before its date,
-- with a reason; a second handler confirms. A destroyed case keeps who destroyed it and why.
ALTER TABLE cases ADD COLUMN deletion_requested_by TEXT REFERENCES users (id);
ALTER TABLE cases ADD COLUMN deletion_requested_at TEXT;
ALTER TABLE cases ADD COLUMN deletion_reason TEXT;
ALTER TABLE cases ADD COLUMN destroyed_by TEXT REFERENCES users (id);
ALTER TABLE cases ADD COLUMN destruction_reason TEXT;
