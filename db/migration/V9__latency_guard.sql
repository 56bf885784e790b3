-- The latency guard of batched steps (a backfill's `guard:`).
--
-- latency_probe: the default probe's tiny write, one row per probing session (its backend
-- pid), so probes of parallel parts never wait on each other's row locks. Rows are overwritten
-- in place; the table stays a few rows.
CREATE TABLE cutover.latency_probe (
  pid        integer     NOT NULL PRIMARY KEY,
  probed_at  timestamptz NOT NULL
);

-- backfill_guard: what the guard of each part held. The baseline is measured once, before the
-- part's first batch, and kept for the part's later attempts (by then the copy runs, and a new
-- measurement would be of the load it guards against). Latencies in microseconds.
CREATE TABLE cutover.backfill_guard (
  run_id           varchar(200) NOT NULL REFERENCES cutover.run (run_id),
  step_id          varchar(200) NOT NULL,
  action           varchar(16)  NOT NULL,
  part             integer      NOT NULL,
  baseline_p99_us  bigint       NOT NULL,
  -- the probe's p99 over the part's batches (its latest attempt that reported), null before any
  observed_p99_us  bigint,
  -- the largest p99 of a window that made the part back off, null when it never did
  worst_p99_us     bigint,
  backed_off_ms    bigint       NOT NULL DEFAULT 0,
  back_offs        bigint       NOT NULL DEFAULT 0,
  probes           bigint       NOT NULL DEFAULT 0,
  updated_at       timestamptz  NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, step_id, action, part)
);
