-- Backfill checkpoints: one row per part (a key range) of a batched step's apply or
-- compensation. Each batch commits together with the update of its part's row, so after a
-- crash, a dropped connection or a retry the part continues right after its last committed
-- batch. Keys are stored as JSON arrays of PostgreSQL text values (one per key column), cast
-- back with the types in key_types; they are data and never leave the database.

CREATE TABLE cutover.backfill_checkpoint (
  run_id          varchar(200) NOT NULL REFERENCES cutover.run (run_id),
  step_id         varchar(200) NOT NULL,
  action          varchar(16)  NOT NULL,
  part            integer      NOT NULL,
  parts           integer      NOT NULL,
  key_types       text         NOT NULL,
  -- where the part starts: the smallest key when the step started (inclusive) for the first
  -- part, the previous part's upper key (exclusive) for the others
  lower_key       text,
  lower_inclusive boolean      NOT NULL DEFAULT false,
  -- inclusive: the bound fixed when the step started; null: nothing to do
  upper_key       text,
  -- the last key of the last committed batch; null: no batch yet
  last_key        text,
  rows_done       bigint       NOT NULL DEFAULT 0,
  batches         bigint       NOT NULL DEFAULT 0,
  estimated_rows  bigint,
  -- running, done, or stopped (a compensation began: no more batches)
  state           varchar(16)  NOT NULL,
  started_at      timestamptz  NOT NULL DEFAULT now(),
  updated_at      timestamptz  NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, step_id, action, part)
);
