-- Issue 19: the scheduler's look for due letters (every round, on every server) and the case
-- lists' "shared with me" no longer scan whole tables.
CREATE INDEX outbox_due ON outbox (status, next_attempt_at) WHERE status IN ('queued', 'sending');
CREATE INDEX case_shares_user ON case_shares (user_id);
