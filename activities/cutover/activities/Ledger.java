package cutover.activities;

import static cutover.db.Tables.DECISION;
import static cutover.db.Tables.FLAG;
import static cutover.db.Tables.FLAG_CHANGE;
import static cutover.db.Tables.PLAN;
import static cutover.db.Tables.RUN;
import static cutover.db.Tables.RUN_EVENT;
import static cutover.db.Tables.STEP;
import static cutover.db.Tables.STEP_REPORT;

import cutover.db.tables.records.RunRecord;
import cutover.db.tables.records.StepRecord;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The one writer of the ledger (schema {@code cutover} in each target database): runs, steps,
 * decisions, events and plans. A ledger works on whatever jOOQ context it is given: a target's
 * pool, or the open transaction of a step, so that a step's effect and its row commit together.
 */
public final class Ledger {
  public static final String ACTIVE = "active";
  public static final String COMPLETED = "completed";
  public static final String ROLLED_BACK = "rolled_back";
  public static final String FAILED = "failed";
  public static final String APPLY = "apply";
  public static final String COMPENSATE = "compensate";

  /** A run row. */
  public record StoredRun(
      String runId,
      String planName,
      String planHash,
      String target,
      String workflowId,
      String state,
      String startedBy,
      OffsetDateTime startedAt,
      OffsetDateTime endedAt,
      String detail) {

    public boolean ended() {
      return COMPLETED.equals(state) || ROLLED_BACK.equals(state);
    }
  }

  /** A step row: one applied or compensated step of a run. */
  public record StoredStep(
      String runId,
      String stepId,
      String action,
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

  /** A registered plan version. */
  public record StoredPlan(String hash, String source, String fileName) {}

  private final DSLContext sql;

  public Ledger(DSLContext sql) {
    this.sql = Objects.requireNonNull(sql, "sql");
  }

  // ---- runs

  public Optional<StoredRun> run(String runId) {
    return sql.selectFrom(RUN).where(RUN.RUN_ID.eq(runId)).fetchOptional().map(Ledger::toRun);
  }

  /** The run, its row locked until the transaction ends. */
  public Optional<StoredRun> runForUpdate(String runId) {
    return sql.selectFrom(RUN).where(RUN.RUN_ID.eq(runId)).forUpdate().fetchOptional().map(Ledger::toRun);
  }

  /** The database's active run, if any (there is at most one). */
  public Optional<StoredRun> activeRun() {
    return sql.selectFrom(RUN).where(RUN.STATE.eq(ACTIVE)).limit(1).fetchOptional().map(Ledger::toRun);
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
        .set(RUN.STATE, ACTIVE)
        .set(RUN.STARTED_BY, begin.startedBy())
        .onConflictDoNothing()
        .execute() == 1;
  }

  /** Makes the run active again under a new workflow; its steps and decisions stand. */
  public void takeOver(String runId, String workflowId) {
    sql.update(RUN)
        .set(RUN.STATE, ACTIVE)
        .set(RUN.WORKFLOW_ID, workflowId)
        .setNull(RUN.ENDED_AT)
        .where(RUN.RUN_ID.eq(runId))
        .execute();
  }

  /**
   * Ends the run. A repeated call keeps the first end time.
   *
   * @return false when there is no such run
   */
  public boolean endRun(String runId, String state, String detail) {
    return sql.update(RUN)
        .set(RUN.STATE, state)
        .set(RUN.ENDED_AT, DSL.coalesce(RUN.ENDED_AT, DSL.currentOffsetDateTime()))
        .set(RUN.DETAIL, detail)
        .where(RUN.RUN_ID.eq(runId))
        .execute() == 1;
  }

  /** Recent runs in this database, newest first, with their applied and compensated step counts. */
  public List<RunSummary> recentRuns(int limit) {
    Field<Integer> applied = DSL.selectCount().from(STEP)
        .where(STEP.RUN_ID.eq(RUN.RUN_ID).and(STEP.ACTION.eq(APPLY))).asField("applied");
    Field<Integer> compensated = DSL.selectCount().from(STEP)
        .where(STEP.RUN_ID.eq(RUN.RUN_ID).and(STEP.ACTION.eq(COMPENSATE))).asField("compensated");
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

  // ---- steps

  /**
   * Takes a transaction-scoped advisory lock on (run, step), so concurrent attempts at the same
   * step (an activity retried while its first attempt still runs) take turns.
   */
  public void lockStep(String runId, String stepId) {
    sql.select(DSL.function(DSL.name("pg_advisory_xact_lock"), SQLDataType.OTHER, DSL.val(stepLockKey(runId, stepId))))
        .fetch();
  }

  public Optional<StoredStep> step(String runId, String stepId, String action) {
    return sql.selectFrom(STEP)
        .where(STEP.RUN_ID.eq(runId), STEP.STEP_ID.eq(stepId), STEP.ACTION.eq(action))
        .fetchOptional()
        .map(Ledger::toStep);
  }

  public List<StoredStep> steps(String runId) {
    return sql.selectFrom(STEP).where(STEP.RUN_ID.eq(runId)).orderBy(STEP.FINISHED_AT, STEP.STEP_ID, STEP.ACTION)
        .fetch(Ledger::toStep);
  }

  public void insertStep(StoredStep step) {
    sql.insertInto(STEP)
        .set(STEP.RUN_ID, step.runId())
        .set(STEP.STEP_ID, step.stepId())
        .set(STEP.ACTION, step.action())
        .set(STEP.PHASE, step.phase())
        .set(STEP.KIND, step.kind())
        .set(STEP.OUTCOME, step.outcome())
        .set(STEP.ROWS_AFFECTED, step.rows())
        .set(STEP.ATTEMPTS, step.attempts())
        .set(STEP.STARTED_AT, step.startedAt())
        .set(STEP.FINISHED_AT, step.finishedAt() == null ? DSL.currentOffsetDateTime() : DSL.val(step.finishedAt()))
        .execute();
  }

  // ---- decisions and events

  /** @return false when a decision with this signal id was already recorded */
  public boolean insertDecision(DecisionRecord decision) {
    return sql.insertInto(DECISION)
        .set(DECISION.RUN_ID, decision.runId())
        .set(DECISION.STEP_ID, decision.stepId())
        .set(DECISION.DECISION_, decision.decision())
        .set(DECISION.DECIDED_BY, decision.decidedBy())
        .set(DECISION.COMMENT, decision.comment())
        .set(DECISION.ACCEPTED, decision.accepted())
        .set(DECISION.REFUSAL, decision.refusal())
        .set(DECISION.SIGNAL_ID, decision.signalId())
        .set(DECISION.DECIDED_AT, decision.decidedAtMillis() > 0
            ? DSL.val(OffsetDateTime.ofInstant(Instant.ofEpochMilli(decision.decidedAtMillis()), ZoneOffset.UTC))
            : DSL.currentOffsetDateTime())
        .onConflict(DECISION.RUN_ID, DECISION.SIGNAL_ID)
        .doNothing()
        .execute() == 1;
  }

  /** The accepted decisions at a gate, in the order they were made. */
  public List<DecisionRecord> acceptedDecisions(String target, String runId, String stepId) {
    return sql.selectFrom(DECISION)
        .where(DECISION.RUN_ID.eq(runId), DECISION.STEP_ID.eq(stepId), DECISION.ACCEPTED.isTrue())
        .orderBy(DECISION.DECIDED_AT, DECISION.ID)
        .fetch(d -> new DecisionRecord(target, d.getRunId(), d.getStepId(), d.getDecision(), d.getDecidedBy(),
            d.getComment(), d.getAccepted(), d.getRefusal(), d.getSignalId(),
            d.getDecidedAt().toInstant().toEpochMilli()));
  }

  /** @return false when an event with this key was already recorded for the run */
  public boolean insertEvent(RunEvent event) {
    return sql.insertInto(RUN_EVENT)
        .set(RUN_EVENT.RUN_ID, event.runId())
        .set(RUN_EVENT.EVENT_KEY, event.eventKey())
        .set(RUN_EVENT.KIND, event.kind())
        .set(RUN_EVENT.STEP_ID, event.stepId())
        .set(RUN_EVENT.ACTOR, event.actor())
        .set(RUN_EVENT.DETAIL, event.detail())
        .onConflict(RUN_EVENT.RUN_ID, RUN_EVENT.EVENT_KEY)
        .doNothing()
        .execute() == 1;
  }

  /** The run's events in the order they were recorded. */
  public List<RunEvent> events(String target, String runId) {
    return sql.selectFrom(RUN_EVENT).where(RUN_EVENT.RUN_ID.eq(runId)).orderBy(RUN_EVENT.ID)
        .fetch(e -> new RunEvent(target, e.getRunId(), e.getEventKey(), e.getKind(), e.getStepId(), e.getActor(),
            e.getDetail()));
  }

  // ---- plans

  /**
   * Registers a plan version. Pushing content already registered creates nothing but makes that
   * version the latest again (its pushed_at and pushed_by are refreshed).
   *
   * @return true when this version was new
   */
  public boolean savePlan(String name, String hash, String source, String fileName, String pushedBy) {
    boolean created = sql.insertInto(PLAN)
        .set(PLAN.NAME, name)
        .set(PLAN.HASH, hash)
        .set(PLAN.SOURCE, source)
        .set(PLAN.FILE_NAME, fileName)
        .set(PLAN.PUSHED_BY, pushedBy)
        .set(PLAN.PUSHED_AT, DSL.currentOffsetDateTime())
        .onConflict(PLAN.NAME, PLAN.HASH)
        .doNothing()
        .execute() == 1;
    if (!created) {
      sql.update(PLAN)
          .set(PLAN.PUSHED_AT, DSL.currentOffsetDateTime())
          .set(PLAN.PUSHED_BY, pushedBy)
          .where(PLAN.NAME.eq(name), PLAN.HASH.eq(hash))
          .execute();
    }
    return created;
  }

  /**
   * A registered plan: the version whose hash starts with the given prefix, or the latest pushed
   * when the version is null or blank.
   *
   * @throws ApplicationFailure non-retryable {@code AmbiguousPlanVersion} when the prefix
   *     matches more than one version
   */
  public Optional<StoredPlan> loadPlan(String name, String versionPrefixOrNull) {
    if (versionPrefixOrNull == null || versionPrefixOrNull.isBlank()) {
      return sql.selectFrom(PLAN).where(PLAN.NAME.eq(name))
          .orderBy(PLAN.PUSHED_AT.desc(), PLAN.HASH)
          .limit(1)
          .fetchOptional()
          .map(p -> new StoredPlan(p.getHash(), p.getSource(), p.getFileName()));
    }
    String prefix = versionPrefixOrNull.strip().toLowerCase(java.util.Locale.ROOT);
    List<StoredPlan> matches = sql.selectFrom(PLAN)
        .where(PLAN.NAME.eq(name), PLAN.HASH.startsWith(prefix))
        .orderBy(PLAN.PUSHED_AT.desc(), PLAN.HASH)
        .limit(11)
        .fetch(p -> new StoredPlan(p.getHash(), p.getSource(), p.getFileName()));
    if (matches.size() > 1) {
      throw ApplicationFailure.newNonRetryableFailure(
          "version '" + prefix + "' of plan '" + name + "' is ambiguous: it matches "
              + matches.stream().limit(10).map(p -> p.hash().substring(0, Math.min(12, p.hash().length())))
                  .collect(Collectors.joining(", "))
              + (matches.size() > 10 ? ", ..." : "") + "; give more characters of the hash",
          "AmbiguousPlanVersion");
    }
    return matches.stream().findFirst();
  }

  // ---- verification: step reports and flags

  /** A verification's findings; iteration is a soak's repeat number, else null. */
  public record StoredReport(
      String runId, String stepId, String kind, Integer iteration, boolean passed, String summary, String report,
      OffsetDateTime createdAt) {}

  public void insertReport(StoredReport report) {
    sql.insertInto(STEP_REPORT)
        .set(STEP_REPORT.RUN_ID, report.runId())
        .set(STEP_REPORT.STEP_ID, report.stepId())
        .set(STEP_REPORT.KIND, report.kind())
        .set(STEP_REPORT.ITERATION, report.iteration())
        .set(STEP_REPORT.PASSED, report.passed())
        .set(STEP_REPORT.SUMMARY, report.summary())
        .set(STEP_REPORT.REPORT, report.report())
        .execute();
  }

  /** The run's verification reports in the order they were written. */
  public List<StoredReport> reports(String runId) {
    return sql.selectFrom(STEP_REPORT).where(STEP_REPORT.RUN_ID.eq(runId)).orderBy(STEP_REPORT.ID)
        .fetch(r -> new StoredReport(r.get(STEP_REPORT.RUN_ID), r.get(STEP_REPORT.STEP_ID), r.get(STEP_REPORT.KIND),
            r.get(STEP_REPORT.ITERATION), r.get(STEP_REPORT.PASSED), r.get(STEP_REPORT.SUMMARY),
            r.get(STEP_REPORT.REPORT), r.get(STEP_REPORT.CREATED_AT)));
  }

  /** Every decision of the run, accepted or refused, in the order made. */
  public List<DecisionRecord> decisions(String target, String runId) {
    return sql.selectFrom(DECISION)
        .where(DECISION.RUN_ID.eq(runId))
        .orderBy(DECISION.DECIDED_AT, DECISION.ID)
        .fetch(d -> new DecisionRecord(target, d.getRunId(), d.getStepId(), d.getDecision(), d.getDecidedBy(),
            d.getComment(), d.getAccepted(), d.getRefusal(), d.getSignalId(),
            d.getDecidedAt().toInstant().toEpochMilli()));
  }

  /** A run's events with the time each was recorded. */
  public List<Map.Entry<RunEvent, OffsetDateTime>> timedEvents(String target, String runId) {
    return sql.selectFrom(RUN_EVENT).where(RUN_EVENT.RUN_ID.eq(runId)).orderBy(RUN_EVENT.ID)
        .fetch(e -> Map.entry(new RunEvent(target, e.getRunId(), e.getEventKey(), e.getKind(), e.getStepId(),
            e.getActor(), e.getDetail()), e.getAt()));
  }

  /** A plan version by its exact hash. */
  public Optional<StoredPlan> planByHash(String name, String hash) {
    return sql.selectFrom(PLAN).where(PLAN.NAME.eq(name), PLAN.HASH.eq(hash)).fetchOptional()
        .map(p -> new StoredPlan(p.getHash(), p.getSource(), p.getFileName()));
  }

  /** A flag's current value, locked until the transaction ends; empty when the flag is not set. */
  public Optional<String> flagForUpdate(String name, String tenant) {
    return sql.select(FLAG.VALUE).from(FLAG).where(FLAG.NAME.eq(name), FLAG.TENANT.eq(tenant)).forUpdate()
        .fetchOptional(FLAG.VALUE);
  }

  /** Sets a flag and announces it on channel {@code cutover_flag} (delivered when the transaction commits). */
  public void setFlag(String name, String tenant, String value, String by) {
    sql.insertInto(FLAG)
        .set(FLAG.NAME, name)
        .set(FLAG.TENANT, tenant)
        .set(FLAG.VALUE, value)
        .set(FLAG.UPDATED_BY, by)
        .onConflict(FLAG.NAME, FLAG.TENANT)
        .doUpdate()
        .set(FLAG.VALUE, value)
        .set(FLAG.UPDATED_BY, by)
        .set(FLAG.UPDATED_AT, DSL.currentOffsetDateTime())
        .execute();
    notifyFlag(name);
  }

  public void removeFlag(String name, String tenant) {
    sql.deleteFrom(FLAG).where(FLAG.NAME.eq(name), FLAG.TENANT.eq(tenant)).execute();
    notifyFlag(name);
  }

  private void notifyFlag(String name) {
    sql.select(DSL.function(DSL.name("pg_notify"), SQLDataType.OTHER, DSL.inline("cutover_flag"), DSL.val(name)))
        .fetch();
  }

  /** What a flag step changed: previousValue null when the flag was not set before. */
  public record FlagChange(String name, String tenant, String previousValue, String newValue) {}

  public void insertFlagChange(String runId, String stepId, FlagChange change) {
    sql.insertInto(FLAG_CHANGE)
        .set(FLAG_CHANGE.RUN_ID, runId)
        .set(FLAG_CHANGE.STEP_ID, stepId)
        .set(FLAG_CHANGE.NAME, change.name())
        .set(FLAG_CHANGE.TENANT, change.tenant())
        .set(FLAG_CHANGE.PREVIOUS_VALUE, change.previousValue())
        .set(FLAG_CHANGE.NEW_VALUE, change.newValue())
        .execute();
  }

  public List<FlagChange> flagChanges(String runId, String stepId) {
    return sql.selectFrom(FLAG_CHANGE)
        .where(FLAG_CHANGE.RUN_ID.eq(runId), FLAG_CHANGE.STEP_ID.eq(stepId))
        .orderBy(FLAG_CHANGE.NAME, FLAG_CHANGE.TENANT)
        .fetch(c -> new FlagChange(c.get(FLAG_CHANGE.NAME), c.get(FLAG_CHANGE.TENANT), c.get(FLAG_CHANGE.PREVIOUS_VALUE),
            c.get(FLAG_CHANGE.NEW_VALUE)));
  }

  // ---- helpers

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

  static String timestamp(OffsetDateTime time) {
    return time == null ? null : time.toInstant().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  private static StoredRun toRun(RunRecord r) {
    return new StoredRun(r.getRunId(), r.getPlanName(), r.getPlanHash(), r.getTarget(), r.getWorkflowId(),
        r.getState(), r.getStartedBy(), r.getStartedAt(), r.getEndedAt(), r.getDetail());
  }

  private static StoredStep toStep(StepRecord s) {
    return new StoredStep(s.getRunId(), s.getStepId(), s.getAction(), s.getPhase(), s.getKind(), s.getOutcome(),
        s.getRowsAffected(), s.getAttempts(), s.getStartedAt(), s.getFinishedAt());
  }
}
