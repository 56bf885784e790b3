package cutover.activities;

import static cutover.db.Tables.STEP;

import cutover.db.tables.records.StepRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The one writer of {@code cutover.step}: each applied or compensated step of a run, written in
 * the transaction of the step's effect.
 */
public final class AppliedSteps {
  /** The outcome of the compensation of an irreversible step: recorded, and nothing undone. */
  public static final String IRREVERSIBLE_NOT_UNDONE = "irreversible: not undone";

  /** A step row: one applied or compensated step of a run. */
  public record StoredStep(
      String runId,
      String stepId,
      StepAction action,
      String phase,
      String kind,
      String outcome,
      Long rows,
      int attempts,
      OffsetDateTime startedAt,
      OffsetDateTime finishedAt) {

    public StepResult toResult(boolean recorded) {
      long millis = startedAt == null || finishedAt == null
          ? 0
          : Math.max(0, Duration.between(startedAt, finishedAt).toMillis());
      return new StepResult(stepId, action, outcome, rows, attempts, millis, recorded);
    }
  }

  private final DSLContext sql;

  public AppliedSteps(DSLContext sql) {
    this.sql = Objects.requireNonNull(sql, "sql");
  }

  /**
   * Takes a transaction-scoped advisory lock on (run, step), so concurrent attempts at the same
   * step (an activity retried while its first attempt still runs) take turns.
   */
  public void lockStep(String runId, String stepId) {
    sql.select(DSL.function(DSL.name("pg_advisory_xact_lock"), SQLDataType.OTHER, DSL.val(stepLockKey(runId, stepId))))
        .fetch();
  }

  public Optional<StoredStep> step(String runId, String stepId, StepAction action) {
    return sql.selectFrom(STEP)
        .where(STEP.RUN_ID.eq(runId), STEP.STEP_ID.eq(stepId), STEP.ACTION.eq(action.word()))
        .fetchOptional()
        .map(AppliedSteps::toStep);
  }

  public List<StoredStep> steps(String runId) {
    return sql.selectFrom(STEP).where(STEP.RUN_ID.eq(runId)).orderBy(STEP.FINISHED_AT, STEP.STEP_ID, STEP.ACTION)
        .fetch(AppliedSteps::toStep);
  }

  public void insertStep(StoredStep step) {
    sql.insertInto(STEP)
        .set(STEP.RUN_ID, step.runId())
        .set(STEP.STEP_ID, step.stepId())
        .set(STEP.ACTION, step.action().word())
        .set(STEP.PHASE, step.phase())
        .set(STEP.KIND, step.kind())
        .set(STEP.OUTCOME, step.outcome())
        .set(STEP.ROWS_AFFECTED, step.rows())
        .set(STEP.ATTEMPTS, step.attempts())
        .set(STEP.STARTED_AT, step.startedAt())
        .set(STEP.FINISHED_AT, step.finishedAt() == null ? DSL.currentOffsetDateTime() : DSL.val(step.finishedAt()))
        .execute();
  }

  static long stepLockKey(String runId, String stepId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(("cutover-step\u0000" + runId + "\u0000" + stepId).getBytes(StandardCharsets.UTF_8));
      long key = 0;
      for (int i = 0; i < 8; i++) {
        key = (key << 8) | (digest[i] & 0xff);
      }
      return key;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static StoredStep toStep(StepRecord s) {
    return new StoredStep(s.getRunId(), s.getStepId(), StepAction.of(s.getAction()), s.getPhase(), s.getKind(), s.getOutcome(),
        s.getRowsAffected(), s.getAttempts(), s.getStartedAt(), s.getFinishedAt());
  }
}
