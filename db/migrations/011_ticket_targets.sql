-- The SLA report's read model (docs/architecture.md "Reports"): one row per ticket and target window,
-- derived by common/report-facts.ts from the state persistence writes, replaced in the same transaction
-- whenever the tickets row moves to a higher seq. A ticket without targets has one row of kind 'none'.
-- Tickets written before this migration are filled in by the worker at start (common/report-backfill.ts):
-- until then their ticket has no row here, which the backfill looks for.
CREATE TABLE ticket_targets (
  ticket_id     text        NOT NULL,
  policy_id     text        NOT NULL,
  plan          text        NOT NULL,
  severity      text        NOT NULL,
  customer_id   text        NOT NULL,
  product       text,
  ticket_type   text        NOT NULL,
  opened_at     timestamptz NOT NULL,
  kind          text        NOT NULL,
  target_window integer     NOT NULL,
  status        text        NOT NULL CHECK (status IN ('met', 'breached', 'running', 'paused', 'suspended', 'cancelled', 'none')),
  started_at    timestamptz,
  due_at        timestamptz,
  met_at        timestamptz,
  breached_at   timestamptz,
  escalated_at  timestamptz,
  escalate_to   text,
  met_on_time   boolean,
  -- Business time from started_at to elapsed_until on the target's calendar, pauses excluded (met: to met_at).
  elapsed_ms    bigint,
  elapsed_until timestamptz,
  -- Wall time the ticket waited on the customer; the same on each of its rows, counted once through ticket_row.
  waiting_ms    bigint      NOT NULL,
  ticket_row    boolean     NOT NULL,
  as_of         timestamptz NOT NULL,
  -- The tickets row's last_seq these facts were derived at.
  seq           integer     NOT NULL,
  PRIMARY KEY (ticket_id, kind, target_window)
);

-- Every report reads a period of opened_at, alone or under one filter.
CREATE INDEX ticket_targets_opened ON ticket_targets (opened_at);
CREATE INDEX ticket_targets_policy_opened ON ticket_targets (policy_id, opened_at);
CREATE INDEX ticket_targets_plan_opened ON ticket_targets (plan, opened_at);
CREATE INDEX ticket_targets_severity_opened ON ticket_targets (severity, opened_at);
CREATE INDEX ticket_targets_customer_opened ON ticket_targets (customer_id, opened_at);
CREATE INDEX ticket_targets_product_opened ON ticket_targets (product, opened_at);
