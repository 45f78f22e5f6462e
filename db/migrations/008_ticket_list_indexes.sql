-- Ticket list (issue 14, defect 7): GET /v1/tickets reads
--   ... WHERE <filters> [AND (opened_at, ticket_id) < ($a, $b)] ORDER BY opened_at DESC, ticket_id DESC LIMIT n
-- (api/read-models/tickets.ts listTickets). Each index below ends in the sort order exactly, so a
-- page, and a cursor page (the row comparison is an index condition), is an index range read in
-- order and stopped at LIMIT: no scan of the table, no sort.
-- The migration runs in a transaction, so not CONCURRENTLY: on a large live table, create these
-- by hand with CREATE INDEX CONCURRENTLY first (same names), then this file only drops the old two.

-- The unfiltered list and its cursor pages; also breached = false (most rows), dueBefore and
-- policyId, which read it in order and filter.
CREATE INDEX IF NOT EXISTS tickets_list_idx ON tickets (opened_at DESC, ticket_id DESC);

-- severity = $1, with the sort after the equality column.
CREATE INDEX IF NOT EXISTS tickets_severity_list_idx ON tickets (severity, opened_at DESC, ticket_id DESC);

-- breached = true: boolean, NOT NULL, false for most tickets, so a partial index holds only the
-- breached ones (breached = false is most of the table and reads tickets_list_idx).
CREATE INDEX IF NOT EXISTS tickets_breached_list_idx ON tickets (opened_at DESC, ticket_id DESC) WHERE breached;

-- status and customer_id: the old (x, opened_at DESC) indexes lacked the ticket_id tie-break, so a
-- page needed an incremental sort and a cursor page could only use opened_at <= $a. Each is
-- replaced by its extension with ticket_id DESC (the old one is a prefix of it, so redundant).
CREATE INDEX IF NOT EXISTS tickets_status_list_idx ON tickets (status, opened_at DESC, ticket_id DESC);
DROP INDEX IF EXISTS tickets_status_idx;
CREATE INDEX IF NOT EXISTS tickets_customer_list_idx ON tickets (customer_id, opened_at DESC, ticket_id DESC);
DROP INDEX IF EXISTS tickets_customer_idx;
