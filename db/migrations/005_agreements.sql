-- Support agreements (the agreements issue): `contracts` becomes the agreement read model, written by
-- the contract workflow (workflows/agreement/) and only moved forward by sequence; `contract_events`
-- is its append-only log. Rows the old PUT route wrote (last_seq 0, no workflow) are taken over by
-- the workflow's first batch.
--
-- starts_at is the first term's start and ends_at the latest term's end (NULL: open-ended), so a
-- renewal only moves ends_at later and the CHECK (ends_at > starts_at) of 002 still holds.
ALTER TABLE contracts
  ADD COLUMN workflow_id  text,
  -- NULL for a row the workflow has not written yet.
  ADD COLUMN status       text        CHECK (status IN ('pending', 'active', 'lapsed', 'ended')),
  ADD COLUMN licences     jsonb       NOT NULL DEFAULT '[]'::jsonb,
  ADD COLUMN snapshot     jsonb,
  ADD COLUMN last_seq     integer     NOT NULL DEFAULT 0;

-- A customer's agreements under a policy (plan rules, choosing a ticket's agreement); it also serves
-- the customer-only lookups, so the narrower index of 002 goes.
CREATE INDEX contracts_customer_policy_idx ON contracts (customer_id, policy_id);
DROP INDEX contracts_customer_idx;

-- Append-only log of an agreement; (workflow_id, seq) makes a retried write happen once.
CREATE TABLE contract_events (
  id           bigserial PRIMARY KEY,
  workflow_id  text        NOT NULL,
  contract_id  text        NOT NULL,
  seq          integer     NOT NULL CHECK (seq > 0),
  type         text        NOT NULL,
  occurred_at  timestamptz NOT NULL,
  actor_kind   text        NOT NULL,
  actor_id     text        NOT NULL,
  data         jsonb       NOT NULL DEFAULT '{}'::jsonb,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workflow_id, seq)
);
CREATE INDEX contract_events_contract_idx ON contract_events (contract_id, seq);
