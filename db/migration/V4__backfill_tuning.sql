-- What operators tuned of a batched step (`cutover tune`): one row per step, the values its
-- parts read before each batch. A tune names a batch size, a rate or both and changes only what
-- it names; the run_event of each tune is its audit record, for people, and is not read back.

CREATE TABLE cutover.backfill_tuning (
  run_id      varchar(200) NOT NULL REFERENCES cutover.run (run_id),
  step_id     varchar(200) NOT NULL,
  -- rows per batch; 0: adapt to the batch time again; null: never tuned (the plan's holds)
  batch_size  integer,
  -- rows per second for the whole step; 0: no cap; null: never tuned (the plan's holds)
  rate        bigint,
  tuned_by    varchar(200) NOT NULL,
  tuned_at    timestamptz  NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, step_id)
);

-- Tunes recorded before this table existed are text events ("batchSize=N rate=R", then
-- "; reason" when one was given). They are carried over once, here: each value from the latest
-- event that named it, read from the text before the reason.
/* [jooq ignore start] */
INSERT INTO cutover.backfill_tuning (run_id, step_id, batch_size, rate, tuned_by, tuned_at)
SELECT run_id, step_id,
       (array_agg(batch_size ORDER BY id DESC) FILTER (WHERE batch_size IS NOT NULL))[1],
       (array_agg(rate ORDER BY id DESC) FILTER (WHERE rate IS NOT NULL))[1],
       coalesce((array_agg(actor ORDER BY id DESC))[1], 'unknown'),
       max(at)
FROM (SELECT id, run_id, step_id, actor, at,
             least(substring(split_part(detail, ';', 1) FROM 'batchSize=([0-9]{1,18})')::bigint, 2147483647)::integer
               AS batch_size,
             substring(split_part(detail, ';', 1) FROM 'rate=([0-9]{1,18})')::bigint AS rate
      FROM cutover.run_event
      WHERE kind = 'tune' AND step_id IS NOT NULL) AS tune
GROUP BY run_id, step_id
HAVING count(batch_size) + count(rate) > 0;
/* [jooq ignore stop] */
