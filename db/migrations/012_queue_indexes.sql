-- The support queue (GET /v1/queue, api/read-models/tickets.ts queueTickets) reads open tickets
--   ... WHERE status NOT IN ('closed', 'rejected') AND <filters> ORDER BY next_due_at ASC NULLS LAST, ticket_id ASC LIMIT n
-- Partial indexes over open tickets only (closed ones are most of a long-lived table), each ending
-- in the queue's order, so a page is an index range read stopped at LIMIT. The plan and assignee
-- filters are new with the queue; the others read the unfiltered one in order and filter.
CREATE INDEX IF NOT EXISTS tickets_queue_idx ON tickets (next_due_at ASC NULLS LAST, ticket_id ASC)
  WHERE status NOT IN ('closed', 'rejected');
CREATE INDEX IF NOT EXISTS tickets_queue_plan_idx ON tickets (plan, next_due_at ASC NULLS LAST, ticket_id ASC)
  WHERE status NOT IN ('closed', 'rejected');
CREATE INDEX IF NOT EXISTS tickets_queue_assignee_idx ON tickets (assignee_id, next_due_at ASC NULLS LAST, ticket_id ASC)
  WHERE status NOT IN ('closed', 'rejected');
