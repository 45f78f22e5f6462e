-- The read model and audit log of Lifeline. Workflows are the source of truth; these tables
-- are written only by activities, idempotently, with each event's workflow time.

-- Append-only log of everything that happened to a ticket. (workflow_id, seq) is the
-- idempotency key: an activity retried by Temporal writes its event once.
CREATE TABLE ticket_events (
  id           bigserial PRIMARY KEY,
  workflow_id  text        NOT NULL,
  ticket_id    text        NOT NULL,
  seq          integer     NOT NULL CHECK (seq > 0),
  type         text        NOT NULL,
  occurred_at  timestamptz NOT NULL,
  actor_kind   text        NOT NULL,
  actor_id     text        NOT NULL,
  data         jsonb       NOT NULL DEFAULT '{}'::jsonb,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workflow_id, seq)
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, seq);

-- One row per ticket, the latest state: lists and reports read this, a single ticket's live
-- state comes from the workflow query.
CREATE TABLE tickets (
  ticket_id    text PRIMARY KEY,
  workflow_id  text        NOT NULL,
  customer_id  text        NOT NULL,
  policy_id    text        NOT NULL,
  plan         text        NOT NULL,
  severity     text        NOT NULL,
  status       text        NOT NULL,
  type         text        NOT NULL,
  title        text        NOT NULL,
  product      text,
  opened_at    timestamptz NOT NULL,
  closed_at    timestamptz,
  last_seq     integer     NOT NULL,
  snapshot     jsonb       NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tickets_customer_idx ON tickets (customer_id, opened_at DESC);
CREATE INDEX tickets_status_idx ON tickets (status, opened_at DESC);

-- API keys, stored as SHA-256 hashes of high-entropy random keys (never the key itself).
CREATE TABLE api_keys (
  id           text PRIMARY KEY,
  key_hash     text        NOT NULL UNIQUE,
  name         text        NOT NULL,
  role         text        NOT NULL CHECK (role IN ('customer', 'engineer', 'manager', 'admin')),
  customer_id  text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz,
  CHECK ((role = 'customer') = (customer_id IS NOT NULL))
);
