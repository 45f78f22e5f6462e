-- Policies as data (the policy-document issue): every version of a policy a manager wrote, kept
-- and readable. A built-in policy is version 1 of its id (the catalog); a stored version of the same
-- id supersedes it. The latest version governs new tickets and, through the fan-out, open ones.
CREATE TABLE policy_versions (
  policy_id   text        NOT NULL CHECK (policy_id ~ '^[a-z][a-zA-Z0-9-]*$'),
  version     integer     NOT NULL CHECK (version > 0),
  -- The validated policy (defaults applied), its `version` field equal to this row's.
  document    jsonb       NOT NULL,
  reason      text        NOT NULL,
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (policy_id, version)
);

-- A retired policy takes no new tickets; its versions stay readable and its open tickets run on.
CREATE TABLE policy_retirements (
  policy_id   text PRIMARY KEY,
  reason      text        NOT NULL,
  retired_by  text,
  retired_at  timestamptz NOT NULL DEFAULT now()
);
