-- Writes the database refused for good (a value it cannot store), as persistence met them: each is
-- also answered (the batch written with the offending text replaced) or held by its workflow.
-- On-call alerts on lifeline_write_failures_unresolved (GET /metrics); resolving one is a manual step.
CREATE TABLE write_failures (
  id            bigserial PRIMARY KEY,
  workflow_id   text        NOT NULL,
  first_seq     integer     NOT NULL,
  last_seq      integer     NOT NULL,
  sqlstate      text        NOT NULL,
  message       text        NOT NULL,
  repaired      boolean     NOT NULL,
  occurred_at   timestamptz NOT NULL DEFAULT now(),
  resolved_at   timestamptz,
  UNIQUE (workflow_id, first_seq, last_seq, repaired)
);
CREATE INDEX write_failures_unresolved ON write_failures (occurred_at) WHERE resolved_at IS NULL;
