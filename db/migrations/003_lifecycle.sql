-- Product-version lifecycles (issue 5): the products Lifeline publishes dates for, each major
-- version's read model (written by its lifecycle workflow), its event log, and who holds a licence
-- for it (the customers its notices go to).

-- A product: `product` is its URL id (endoflife.date style: lower case), `name` is what tickets call it.
CREATE TABLE products (
  product     text PRIMARY KEY CHECK (product ~ '^[a-z0-9][a-z0-9._-]*$'),
  name        text        NOT NULL,
  policy_id   text        NOT NULL,
  -- The zone the published dates are days in: a milestone day is supported to its end there.
  zone        text        NOT NULL DEFAULT 'UTC',
  link        text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX products_name_idx ON products (policy_id, lower(name));

-- One row per major version: the workflow's latest state (only moved forward by sequence).
-- `product` is products.product; supported_until is the instant support ends (the end of the EOL day).
ALTER TABLE product_versions
  ADD COLUMN workflow_id       text,
  ADD COLUMN phase             text CHECK (phase IN ('announced', 'pilot', 'mainstream', 'extended', 'endOfLife')),
  ADD COLUMN on_sale           boolean,
  ADD COLUMN ga                date,
  ADD COLUMN eos               date,
  ADD COLUMN eoms              date,
  ADD COLUMN eol               date,
  ADD COLUMN provisional       boolean,
  ADD COLUMN latest_minor      text,
  ADD COLUMN supported_minors  text[]      NOT NULL DEFAULT '{}',
  ADD COLUMN snapshot          jsonb,
  ADD COLUMN last_seq          integer     NOT NULL DEFAULT 0,
  ADD COLUMN updated_at        timestamptz;
CREATE INDEX product_versions_product_idx ON product_versions (product);

-- Append-only log of a lifecycle; (workflow_id, seq) makes a retried write happen once.
CREATE TABLE lifecycle_events (
  id           bigserial PRIMARY KEY,
  workflow_id  text        NOT NULL,
  product      text        NOT NULL,
  version      text        NOT NULL,
  seq          integer     NOT NULL CHECK (seq > 0),
  type         text        NOT NULL,
  occurred_at  timestamptz NOT NULL,
  actor_kind   text        NOT NULL,
  actor_id     text        NOT NULL,
  data         jsonb       NOT NULL DEFAULT '{}'::jsonb,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workflow_id, seq)
);
CREATE INDEX lifecycle_events_version_idx ON lifecycle_events (product, version, seq);

-- A customer's licence for a product version (from a contract or bought alone): lifecycle notices
-- go to its contact; `minor` is the minor release installed (ISPsystem 8.3 outdated notices).
CREATE TABLE licences (
  licence_id     text PRIMARY KEY,
  customer_id    text        NOT NULL,
  contract_id    text,
  product        text        NOT NULL,
  version        text        NOT NULL,
  minor          text,
  contact_email  text,
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX licences_version_idx ON licences (product, version);
CREATE INDEX licences_customer_idx ON licences (customer_id);

-- Lifecycle notices share the outbox with ticket notifications: they name no ticket.
ALTER TABLE notifications ALTER COLUMN ticket_id DROP NOT NULL;
