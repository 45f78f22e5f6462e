-- Every write to the policy store (a version, a retirement, a deletion) takes the next number of
-- this sequence in its transaction: API processes reload their policies when its value moves, so a
-- deletion and a creation together are never mistaken for no change.
CREATE SEQUENCE policy_store_generation;

-- A deleted policy's last version: a policy stored again under its id goes on from there, so a
-- version number (and the rules version tickets record, `acme@3`) is never reused.
CREATE TABLE policy_deletions (
  policy_id     text PRIMARY KEY,
  last_version  integer     NOT NULL,
  deleted_by    text,
  deleted_at    timestamptz NOT NULL DEFAULT now()
);
