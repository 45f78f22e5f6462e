-- Each claim of an outbox row says how long it holds the row (issue 14, defect 4): the first attempt,
-- made inside the persistence local activity, is short and bounded (3 s per webhook), so a worker
-- that dies mid-send strands its rows for about a minute, not for the delivery activity's 6 minutes.
-- Rows claimed before this migration have no lease_until: their lease is claimed_at + 6 minutes.
ALTER TABLE notifications ADD COLUMN IF NOT EXISTS lease_until timestamptz;
