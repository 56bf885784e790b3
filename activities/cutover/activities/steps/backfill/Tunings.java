package cutover.activities.steps.backfill;

import static cutover.db.Tables.BACKFILL_TUNING;

import java.util.Objects;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The one writer of {@code cutover.backfill_tuning}: what operators tuned of a batched step,
 * merged tune by tune. {@link Checkpoints} reads it with each batch's checkpoint.
 */
public final class Tunings {
  private final DSLContext sql;

  public Tunings(DSLContext sql) {
    this.sql = Objects.requireNonNull(sql, "sql");
  }

  /** Merges a tune into the step's tuning: a null value keeps the one tuned before; 0 is a value. */
  public void merge(String runId, String stepId, Integer batchSize, Long rate, String tunedBy) {
    sql.insertInto(BACKFILL_TUNING)
        .set(BACKFILL_TUNING.RUN_ID, runId)
        .set(BACKFILL_TUNING.STEP_ID, stepId)
        .set(BACKFILL_TUNING.BATCH_SIZE, batchSize)
        .set(BACKFILL_TUNING.RATE, rate)
        .set(BACKFILL_TUNING.TUNED_BY, tunedBy)
        .onConflict(BACKFILL_TUNING.RUN_ID, BACKFILL_TUNING.STEP_ID)
        .doUpdate()
        .set(BACKFILL_TUNING.BATCH_SIZE, DSL.coalesce(DSL.excluded(BACKFILL_TUNING.BATCH_SIZE), BACKFILL_TUNING.BATCH_SIZE))
        .set(BACKFILL_TUNING.RATE, DSL.coalesce(DSL.excluded(BACKFILL_TUNING.RATE), BACKFILL_TUNING.RATE))
        .set(BACKFILL_TUNING.TUNED_BY, DSL.excluded(BACKFILL_TUNING.TUNED_BY))
        .set(BACKFILL_TUNING.TUNED_AT, DSL.currentOffsetDateTime())
        .execute();
  }
}
