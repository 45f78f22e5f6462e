-- Ticket commands sent with an Idempotency-Key (issue 14: "the API restarts during an update"). A
-- retry with the same key is the same Update: its id derives from the ticket and the key, and
-- Temporal answers a repeated Update id with the first outcome. This table refuses the key reused
-- for another request (another command, body or sender) with 422.
CREATE TABLE IF NOT EXISTS command_requests (
  ticket_id text NOT NULL,
  idempotency_key text NOT NULL,
  command text NOT NULL,
  request_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ticket_id, idempotency_key)
);
