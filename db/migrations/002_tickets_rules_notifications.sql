-- Ticket workflow (issue 4): list filters on the read model, the rules a ticket runs under
-- (policy and contract overrides, supported versions), and the notification outbox.

ALTER TABLE tickets
  ADD COLUMN contract_id  text,
  ADD COLUMN assignee_id  text,
  ADD COLUMN next_due_at  timestamptz,
  ADD COLUMN breached     boolean NOT NULL DEFAULT false;
CREATE INDEX tickets_policy_idx ON tickets (policy_id, status);
CREATE INDEX tickets_contract_idx ON tickets (contract_id) WHERE contract_id IS NOT NULL;
CREATE INDEX tickets_next_due_idx ON tickets (next_due_at) WHERE next_due_at IS NOT NULL;

-- A policy's local changes (a new holiday, a corrected target): merged over the catalog policy.
-- version grows on every change and is recorded with each deadline computed under it.
CREATE TABLE policy_overrides (
  policy_id   text PRIMARY KEY,
  override    jsonb       NOT NULL,
  version     integer     NOT NULL CHECK (version > 0),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text        NOT NULL
);

-- A customer's contract: its policy, plan, term, options and individually agreed terms
-- (Infotecs §1, ISPsystem 1.3, Isode custom packages), merged over the policy.
CREATE TABLE contracts (
  contract_id  text PRIMARY KEY,
  customer_id  text        NOT NULL,
  policy_id    text        NOT NULL,
  plan         text        NOT NULL,
  starts_at    timestamptz NOT NULL,
  ends_at      timestamptz,
  options      jsonb       NOT NULL DEFAULT '{}'::jsonb,
  override     jsonb       NOT NULL DEFAULT '{}'::jsonb,
  version      integer     NOT NULL CHECK (version > 0),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at IS NULL OR ends_at > starts_at)
);
CREATE INDEX contracts_customer_idx ON contracts (customer_id);

-- When support for a product version ends (filled by the lifecycle workflows; EOL for Infotecs).
CREATE TABLE product_versions (
  policy_id          text NOT NULL,
  product            text NOT NULL,
  version            text NOT NULL,
  supported_until    timestamptz,
  PRIMARY KEY (policy_id, product, version)
);

-- Where notifications for a role go ('*' = every policy). A policy-specific route wins.
CREATE TABLE notification_routes (
  policy_id  text NOT NULL,
  role       text NOT NULL CHECK (role IN ('supportManagement', 'accountManager', 'onCall', 'assignee', 'customer')),
  channel    text NOT NULL CHECK (channel IN ('email', 'webhook', 'page')),
  address    text NOT NULL,
  secret     text,
  PRIMARY KEY (policy_id, role, channel, address)
);

-- The outbox: one row per (event, recipient); idempotency_key makes a retried send happen once.
CREATE TABLE notifications (
  id               bigserial PRIMARY KEY,
  idempotency_key  text        NOT NULL UNIQUE,
  ticket_id        text        NOT NULL,
  workflow_id      text        NOT NULL,
  event_seq        integer     NOT NULL,
  event_type       text        NOT NULL,
  role             text        NOT NULL,
  channel          text        NOT NULL CHECK (channel IN ('email', 'webhook', 'page', 'none')),
  address          text,
  subject          text        NOT NULL,
  body             jsonb       NOT NULL,
  -- The route the row was queued for ('*' or a policy id): its secret signs a webhook.
  route_policy_id  text,
  status           text        NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'recorded', 'unrouted')),
  -- A delivery attempt claims its rows; a claim older than the lease is an abandoned attempt.
  claimed_at       timestamptz,
  attempts         integer     NOT NULL DEFAULT 0,
  last_error       text,
  occurred_at      timestamptz NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz
);
CREATE INDEX notifications_ticket_idx ON notifications (ticket_id, event_seq);
CREATE INDEX notifications_pending_idx ON notifications (status) WHERE status IN ('pending', 'sending');
