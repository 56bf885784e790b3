package cutover.activities;

import static cutover.db.Tables.RUN;
import static cutover.db.Tables.STEP;

import cutover.db.tables.records.RunRecord;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * The one writer of {@code cutover.run}: one row per cutover run, at most one active per
 * database. Like every ledger writer it works on whatever jOOQ context it is given: a target's
 * pool, or the open transaction of a step.
 */
public final class Runs {

  /** A run row; its state is null for a word this version does not know. */
  public record StoredRun(
      String runId,
      String planName,
      String planHash,
      String target,
      String workflowId,
      LedgerRunState state,
      String startedBy,
      OffsetDateTime startedAt,
      OffsetDateTime endedAt,
      String detail) {

    /** Whether the run is over for good: completed, rolled back or abandoned. */
    public boolean ended() {
      return state != null && !state.resumable();
    }
  }

  private final DSLContext sql;

  public Runs(DSLContext sql) {
    this.sql = Objects.requireNonNull(sql, "sql");
  }

  public Optional<StoredRun> run(String runId) {
    return sql.selectFrom(RUN).where(RUN.RUN_ID.eq(runId)).fetchOptional().map(Runs::toRun);
  }

  /** The run, its row locked until the transaction ends. */
  public Optional<StoredRun> runForUpdate(String runId) {
    return sql.selectFrom(RUN).where(RUN.RUN_ID.eq(runId)).forUpdate().fetchOptional().map(Runs::toRun);
  }

  /** The database's active run, if any (there is at most one). */
  public Optional<StoredRun> activeRun() {
    return sql.selectFrom(RUN).where(RUN.STATE.eq(LedgerRunState.ACTIVE.word())).limit(1).fetchOptional().map(Runs::toRun);
  }

  /**
   * Inserts the run as active unless its id is taken or the database already has an active run.
   *
   * @return true when the row was inserted
   */
  public boolean insertRun(BeginRun begin) {
    return sql.insertInto(RUN)
        .set(RUN.RUN_ID, begin.runId())
        .set(RUN.PLAN_NAME, begin.planName())
        .set(RUN.PLAN_HASH, begin.planHash())
        .set(RUN.TARGET, begin.target())
        .set(RUN.WORKFLOW_ID, begin.workflowId())
        .set(RUN.STATE, LedgerRunState.ACTIVE.word())
        .set(RUN.STARTED_BY, begin.startedBy())
        .onConflictDoNothing()
        .execute() == 1;
  }

  /** Makes the run active again under a new workflow; its steps and decisions stand. */
  public void takeOver(String runId, String workflowId) {
    sql.update(RUN)
        .set(RUN.STATE, LedgerRunState.ACTIVE.word())
        .set(RUN.WORKFLOW_ID, workflowId)
        .setNull(RUN.ENDED_AT)
        .where(RUN.RUN_ID.eq(runId))
        .execute();
  }

  /**
   * Ends the run. A repeated call keeps the first end time; an abandoned run stays abandoned (its
   * workflow may still reach its end before it is terminated).
   *
   * @return false when there is no such run, or it is abandoned
   */
  public boolean endRun(String runId, LedgerRunState state, String detail) {
    return sql.update(RUN)
        .set(RUN.STATE, state.word())
        .set(RUN.ENDED_AT, DSL.coalesce(RUN.ENDED_AT, DSL.currentOffsetDateTime()))
        .set(RUN.DETAIL, detail)
        .where(RUN.RUN_ID.eq(runId).and(RUN.STATE.ne(LedgerRunState.ABANDONED.word())))
        .execute() == 1;
  }

  /** Marks the run abandoned, with why, unless it is over for good. @return false when it was not */
  public boolean abandon(String runId, String detail) {
    return sql.update(RUN)
        .set(RUN.STATE, LedgerRunState.ABANDONED.word())
        .set(RUN.ENDED_AT, DSL.currentOffsetDateTime())
        .set(RUN.DETAIL, detail)
        .where(RUN.RUN_ID.eq(runId).and(RUN.STATE.in(LedgerRunState.ACTIVE.word(), LedgerRunState.FAILED.word())))
        .execute() == 1;
  }

  /** The run, its row share-locked until the transaction ends: an abandon waits for the step that holds it. */
  public Optional<StoredRun> runForShare(String runId) {
    return sql.selectFrom(RUN).where(RUN.RUN_ID.eq(runId)).forShare().fetchOptional().map(Runs::toRun);
  }

  /** Recent runs in this database, newest first, with their applied and compensated step counts. */
  public List<RunSummary> recentRuns(int limit) {
    Field<Integer> applied = DSL.selectCount().from(STEP)
        .where(STEP.RUN_ID.eq(RUN.RUN_ID).and(STEP.ACTION.eq(StepAction.APPLY.word()))).asField("applied");
    Field<Integer> compensated = DSL.selectCount().from(STEP)
        .where(STEP.RUN_ID.eq(RUN.RUN_ID).and(STEP.ACTION.eq(StepAction.COMPENSATE.word()))).asField("compensated");
    return sql.select(RUN.fields()).select(applied, compensated)
        .from(RUN)
        .orderBy(RUN.STARTED_AT.desc(), RUN.RUN_ID)
        .limit(limit)
        .fetch(r -> new RunSummary(
            r.get(RUN.RUN_ID), r.get(RUN.TARGET), r.get(RUN.PLAN_NAME), r.get(RUN.PLAN_HASH),
            r.get(RUN.WORKFLOW_ID), r.get(RUN.STATE), r.get(RUN.STARTED_BY),
            timestamp(r.get(RUN.STARTED_AT)), timestamp(r.get(RUN.ENDED_AT)),
            r.get(applied), r.get(compensated)));
  }

  static String timestamp(OffsetDateTime time) {
    return time == null ? null : time.toInstant().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  private static StoredRun toRun(RunRecord r) {
    return new StoredRun(r.getRunId(), r.getPlanName(), r.getPlanHash(), r.getTarget(), r.getWorkflowId(),
        LedgerRunState.of(r.getState()), r.getStartedBy(), r.getStartedAt(), r.getEndedAt(), r.getDetail());
  }
}
