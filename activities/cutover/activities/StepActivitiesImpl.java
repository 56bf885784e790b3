package cutover.activities;

import cutover.activities.steps.BatchedKind;
import cutover.activities.steps.ExecutedKind;
import cutover.activities.steps.PartContext;
import cutover.activities.steps.PartOutcome;
import cutover.activities.steps.ReportOnly;
import cutover.activities.steps.SqlTimeouts;
import cutover.activities.steps.StepContext;
import cutover.activities.steps.StepEnvironment;
import cutover.activities.steps.StepKind;
import cutover.activities.steps.StepKinds;
import cutover.activities.steps.StepOutcome;
import cutover.plan.PlanStep;
import cutover.plan.Undo;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.conf.Settings;
import org.jooq.conf.StatementType;
import org.jooq.impl.DSL;

/**
 * Applies and compensates steps exactly once per run. Each call is one transaction through
 * {@link SqlRunner}: an advisory lock on (run, step) serialises concurrent attempts; the ledger
 * row is checked first (an existing row is returned and nothing runs); then the step's kind runs
 * and its row is written in the same transaction, so the effect and its record commit together.
 *
 * <p>A {@link BatchedStep} (a backfill) is routed here too, in three calls: {@code prepareParts}
 * fixes and splits its work, one {@code runPart} per part commits batch after batch with its
 * checkpoint, and {@code apply} / {@code compensate} then record the finished result exactly
 * once, as for any step.
 */
public final class StepActivitiesImpl implements StepActivities {
  private final SqlRunner runner;
  private final boolean allowCommands;

  public StepActivitiesImpl(Targets targets) {
    this(new SqlRunner(targets));
  }

  public StepActivitiesImpl(SqlRunner runner) {
    this(runner, false);
  }

  /** @param allowCommands the worker runs {@code command} steps (`cutover worker --allow-commands`) */
  public StepActivitiesImpl(SqlRunner runner, boolean allowCommands) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.allowCommands = allowCommands;
  }

  /**
   * What one transaction decided: a row already there, or one written now; or a verification
   * that did not hold ({@code failed}: its report is written, no step row).
   */
  private record Done(AppliedSteps.StoredStep step, boolean recorded, StepOutcome failed) {
    Done(AppliedSteps.StoredStep step, boolean recorded) {
      this(step, recorded, null);
    }
  }

  /**
   * Applies the step where its kind runs: in the ledger transaction (SQL, checks, flags), outside
   * of any transaction with its row recorded after (HTTP, commands), or not at all (gates the
   * workflow decides).
   */
  @Override
  public StepResult apply(StepCall call) {
    PlanStep step = check(call);
    ExecutedKind<?> kind = executed(step);
    return switch (kind.execution()) {
      case IN_TRANSACTION, BATCHED -> applyInTransaction(call, kind);
      case OUTSIDE_TRANSACTION -> applyOutsideTransaction(call, kind);
      case WORKFLOW -> throw new IllegalStateException("a gate is not executed");
    };
  }

  private StepResult applyInTransaction(StepCall call, ExecutedKind<?> kind) {
    PlanStep step = call.step();
    OffsetDateTime startedAt = now();
    SqlRunner.Result<Done> result = runner.run(call.target(), step.id(), StepAction.APPLY, SqlTimeouts.of(step),
        (tx, attempt) -> {
          AppliedSteps ledger = new AppliedSteps(tx);
          ledger.lockStep(call.runId(), step.id());
          Optional<AppliedSteps.StoredStep> existing = ledger.step(call.runId(), step.id(), StepAction.APPLY);
          if (existing.isPresent()) {
            return new Done(existing.get(), true);
          }
          Runs.StoredRun run = requireRun(tx, call);
          requireActive(call, run);
          StepOutcome outcome = kind.apply(context(call, tx));
          return recordApplied(tx, call, kind, outcome, attempt, began(tx, call, kind, StepAction.APPLY, startedAt));
        });
    return finish(step, result);
  }

  /** The work runs with no transaction open; the row is written after it, unless a concurrent attempt wrote it. */
  private StepResult applyOutsideTransaction(StepCall call, ExecutedKind<?> kind) {
    PlanStep step = call.step();
    OffsetDateTime startedAt = now();
    SqlTimeouts settings = SqlTimeouts.of(step);
    Optional<AppliedSteps.StoredStep> before = runner.run(call.target(), step.id(), StepAction.APPLY, settings, (tx, attempt) -> {
      AppliedSteps ledger = new AppliedSteps(tx);
      Optional<AppliedSteps.StoredStep> existing = ledger.step(call.runId(), step.id(), StepAction.APPLY);
      if (existing.isEmpty()) {
        requireActive(call, requireRun(tx, call));
      }
      return existing;
    }).value();
    if (before.isPresent()) {
      return before.get().toResult(true);
    }
    StepOutcome outcome = outside(call, () -> kind.apply(context(call, null)));
    SqlRunner.Result<Done> result = runner.run(call.target(), step.id(), StepAction.APPLY, settings, (tx, attempt) -> {
      AppliedSteps ledger = new AppliedSteps(tx);
      ledger.lockStep(call.runId(), step.id());
      Optional<AppliedSteps.StoredStep> existing = ledger.step(call.runId(), step.id(), StepAction.APPLY);
      if (existing.isPresent()) {
        return new Done(existing.get(), true);
      }
      return recordApplied(tx, call, kind, outcome, attempt, startedAt);
    });
    return finish(step, result);
  }

  /**
   * Runs a verification again for a soak: never short-circuited by the step's ledger row, never
   * recorded as applied, never fixing; its report is kept with the iteration number.
   */
  @Override
  public StepResult verify(VerifyCall call) {
    if (call == null || call.step() == null || call.step().id() == null || call.runId() == null
        || call.target() == null) {
      throw ApplicationFailure.newNonRetryableFailure("a verify call needs a target, a run id and a step", "BadRequest");
    }
    PlanStep step = call.step();
    ExecutedKind<?> kind = executed(step);
    if (!kind.repeatable()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "step '" + step.id() + "' (kind " + kind.name() + ") cannot be repeated; a soak repeats check, parity or http",
          "BadRequest");
    }
    StepCall asCall = new StepCall(call.target(), call.runId(), call.phase(), step, false);
    SqlTimeouts settings = SqlTimeouts.of(step);
    StepOutcome outside = kind.execution() == StepKind.Execution.OUTSIDE_TRANSACTION
        ? outside(asCall, () -> kind.apply(context(asCall, null)))
        : null;
    SqlRunner.Result<StepOutcome> result = runner.run(call.target(), step.id(), StepAction.APPLY, settings, (tx, attempt) -> {
      AppliedSteps ledger = new AppliedSteps(tx);
      requireRun(tx, asCall);
      StepOutcome outcome = outside != null ? outside : kind.apply(context(asCall, tx));
      writeReport(tx, asCall, kind, call.iteration(), outcome);
      return outcome;
    });
    StepOutcome outcome = result.value();
    String summary = runner.targets().redact(outcome.summary());
    if (outcome.failed()) {
      throw verificationFailed(step, summary);
    }
    return new StepResult(step.id(), StepAction.VERIFY, summary, outcome.rows(), result.attempts(), result.millis(), false);
  }

  @Override
  public RepeatedVerifyResult verifyRepeatedly(RepeatedVerifyCall call) {
    return cutover.activities.steps.soak.SoakChecks.run(call, this::verify);
  }

  private Done recordApplied(DSLContext tx, StepCall call, StepKind<?> kind, StepOutcome outcome, SqlRunner.Attempt attempt,
      OffsetDateTime startedAt) {
    writeReport(tx, call, kind, null, outcome);
    if (outcome.failed() && !ReportOnly.of(call.step())) {
      return new Done(null, false, outcome); // the report commits; the step is not applied
    }
    return new Done(record(tx, call, kind, StepAction.APPLY, ReportOnly.kept(outcome), "applied", attempt, startedAt),
        false);
  }

  private void writeReport(DSLContext tx, StepCall call, StepKind<?> kind, Integer iteration, StepOutcome outcome) {
    if (outcome.report() == null && !outcome.failed()) {
      return;
    }
    String summary = runner.targets().redact(outcome.summary() == null ? "" : outcome.summary());
    String report = runner.targets().redact(outcome.report() == null ? "{}" : outcome.report());
    new StepReports(tx).insertReport(new StepReports.StoredReport(call.runId(), call.step().id(), kind.name(), iteration,
        !outcome.failed(), summary, report, null));
  }

  /** Work outside any transaction: failures other than Temporal's own become readable step failures. */
  private StepOutcome outside(StepCall call, java.util.function.Supplier<StepOutcome> work) {
    try {
      return work.get();
    } catch (ApplicationFailure | io.temporal.client.ActivityCompletionException e) {
      throw e;
    } catch (RuntimeException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          runner.targets().redact("step '" + call.step().id() + "' failed: " + SqlErrors.message(e)), "StepFailed");
    }
  }

  private ApplicationFailure verificationFailed(PlanStep step, String summary) {
    return ApplicationFailure.newNonRetryableFailure("step '" + step.id() + "' failed: " + summary,
        VERIFICATION_FAILED);
  }

  private static void requireActive(StepCall call, Runs.StoredRun run) {
    if (run.state() != LedgerRunState.ACTIVE) {
      throw ApplicationFailure.newNonRetryableFailure(
          "step '" + call.step().id() + "' not applied: run " + call.runId() + " is " + run.state()
              + (run.ended() ? "" : ", not active; resume it with `cutover start --resume " + call.runId() + "`"),
          "RunNotActive");
    }
  }

  /** An abandoned run changes nothing more, not even to undo: its operator ended it as it stood. */
  private static void requireNotAbandoned(StepCall call, Runs.StoredRun run) {
    if (run.state() == LedgerRunState.ABANDONED) {
      throw ApplicationFailure.newNonRetryableFailure(
          "compensation of step '" + call.step().id() + "' not run: run " + call.runId() + " was abandoned",
          "RunNotActive");
    }
  }

  @Override
  public StepResult compensate(StepCall call) {
    PlanStep step = check(call);
    ExecutedKind<?> kind = executed(step);
    OffsetDateTime startedAt = now();
    // first a look with the default settings: a step that never applied is not undone under its own
    // settings, which PostgreSQL may refuse (the reason it failed)
    SqlRunner.Result<Done> looked = runner.run(call.target(), step.id(), StepAction.COMPENSATE, SqlTimeouts.DEFAULTS,
        (tx, attempt) -> nothingToUndo(tx, call, kind, attempt, startedAt).orElse(null));
    if (looked.value() != null) {
      return finish(step, looked);
    }
    SqlRunner.Result<Done> result = runner.run(call.target(), step.id(), StepAction.COMPENSATE, SqlTimeouts.of(step),
        (tx, attempt) -> {
          Optional<Done> nothing = nothingToUndo(tx, call, kind, attempt, startedAt);
          if (nothing.isPresent()) {
            return nothing.get();
          }
          StepOutcome outcome;
          if (step.irreversible()) {
            outcome = StepOutcome.of(AppliedSteps.IRREVERSIBLE_NOT_UNDONE);
          } else if (kind.undo(step.spec()) == Undo.NOTHING) {
            outcome = StepOutcome.of("nothing to undo");
          } else if (kind.undo() == Undo.DECLARED && (step.compensate() == null || step.compensate().isBlank())) {
            throw ApplicationFailure.newNonRetryableFailure(
                "step '" + step.id() + "' cannot be compensated: the plan gives no compensate SQL and does not"
                    + " declare it irreversible",
                "StepFailed");
          } else {
            outcome = kind.compensate(context(call, tx));
          }
          return new Done(record(tx, call, kind, StepAction.COMPENSATE, outcome, "compensated", attempt,
              began(tx, call, kind, StepAction.COMPENSATE, startedAt)), false);
        });
    return finish(step, result);
  }

  /**
   * The compensation already recorded, or the step never took effect in this run (nothing recorded,
   * nothing written); empty when there is something to undo. Takes the step's lock.
   */
  private Optional<Done> nothingToUndo(DSLContext tx, StepCall call, ExecutedKind<?> kind, SqlRunner.Attempt attempt,
      OffsetDateTime startedAt) {
    PlanStep step = call.step();
    AppliedSteps ledger = new AppliedSteps(tx);
    ledger.lockStep(call.runId(), step.id());
    Optional<AppliedSteps.StoredStep> existing = ledger.step(call.runId(), step.id(), StepAction.COMPENSATE);
    if (existing.isPresent()) {
      return Optional.of(new Done(existing.get(), true));
    }
    requireNotAbandoned(call, requireRun(tx, call));
    boolean partlyApplied = kind instanceof BatchedKind<?> batched && batched.started(context(call, tx))
        || kind.leftEffects(context(call, tx));
    if (ledger.step(call.runId(), step.id(), StepAction.APPLY).isEmpty() && !partlyApplied) {
      return Optional.of(new Done(new AppliedSteps.StoredStep(call.runId(), step.id(), StepAction.COMPENSATE, phase(call),
          kind.name(), "not applied: nothing to undo", null, attempt.number(), startedAt, now()), false));
    }
    return Optional.empty();
  }

  @Override
  public StepParts prepareParts(PartsCall request) {
    StepCall call = request == null ? null : request.call();
    PlanStep step = check(call);
    BatchedKind<?> kind = batched(step);
    StepAction action = action(request.action());
    boolean recorded = runner.run(call.target(), step.id(), action, SqlTimeouts.of(step), (tx, attempt) -> {
      AppliedSteps ledger = new AppliedSteps(tx);
      ledger.lockStep(call.runId(), step.id());
      if (ledger.step(call.runId(), step.id(), action).isPresent()) {
        return true;
      }
      requireActiveIfApplying(tx, call, action);
      kind.prepareFirst(context(call, tx), action);
      return false;
    }).value();
    if (recorded) {
      return new StepParts(0, true);
    }
    SqlRunner.Result<StepParts> result = runner.run(call.target(), step.id(), action, SqlTimeouts.of(step),
        (tx, attempt) -> {
          AppliedSteps ledger = new AppliedSteps(tx);
          ledger.lockStep(call.runId(), step.id());
          if (ledger.step(call.runId(), step.id(), action).isPresent()) {
            return new StepParts(0, true);
          }
          requireActiveIfApplying(tx, call, action);
          return new StepParts(kind.prepare(context(call, tx), action), false);
        });
    return result.value();
  }

  @Override
  public PartResult runPart(PartCall request) {
    StepCall call = request == null ? null : request.call();
    PlanStep step = check(call);
    BatchedKind<?> kind = batched(step);
    StepAction action = action(request.action());
    long started = System.nanoTime();
    try (SqlRunner.Session session = runner.open(call.target(), step.id(), action, call.waveKey())) {
      session.run(SqlTimeouts.of(step), (tx, attempt) -> {
        requireActiveIfApplying(tx, call, action);
        return null;
      });
      PartOutcome outcome = kind.runPart(
          new PartContext(call.runId(), call.target(), step, action, request.part(), request.parts(), session));
      return new PartResult(step.id(), action, request.part(), outcome.rowsDone(), outcome.batches(),
          outcome.rowsThisAttempt(), (System.nanoTime() - started) / 1_000_000, outcome.batchP50Millis(),
          outcome.batchP99Millis(), outcome.batchMaxMillis(), runner.targets().redact(outcome.summary()));
    } catch (ApplicationFailure | ActivityCompletionException e) {
      throw e;
    } catch (RuntimeException e) {
      throw SqlErrors.ledgerFailure(e, runner.targets(), "part " + (request.part() + 1) + " of step '" + step.id() + "'");
    }
  }

  /** A batched step began when its first part did; any other step when this call did. */
  private OffsetDateTime began(DSLContext tx, StepCall call, StepKind<?> kind, StepAction action, OffsetDateTime now) {
    if (kind instanceof BatchedKind<?> batched) {
      return batched.firstStarted(context(call, tx), action).orElse(now);
    }
    return now;
  }

  private static void requireActiveIfApplying(DSLContext tx, StepCall call, StepAction action) {
    Runs.StoredRun run = requireRun(tx, call);
    if (action == StepAction.APPLY) {
      requireActive(call, run);
    } else {
      requireNotAbandoned(call, run);
    }
  }

  private static BatchedKind<?> batched(PlanStep step) {
    if (kind(step) instanceof BatchedKind<?> batched) {
      return batched;
    }
    throw ApplicationFailure.newNonRetryableFailure(
        "step '" + step.id() + "' (kind " + step.kind() + ") runs in one transaction and has no parts", "BadRequest");
  }

  /** An action the payload did not name, or named with a word this version does not know, arrives as null. */
  private static StepAction action(StepAction action) {
    if (action == StepAction.APPLY || action == StepAction.COMPENSATE) {
      return action;
    }
    throw ApplicationFailure.newNonRetryableFailure("action must be apply or compensate", "BadRequest");
  }

  private StepResult finish(PlanStep step, SqlRunner.Result<Done> result) {
    Done done = result.value();
    if (done.failed() != null) {
      throw verificationFailed(step, runner.targets().redact(done.failed().summary()));
    }
    // the duration is the ledger row's, from before the work to its recording, wherever the work ran
    return done.step().toResult(done.recorded());
  }

  private AppliedSteps.StoredStep record(DSLContext tx, StepCall call, StepKind<?> kind, StepAction action, StepOutcome outcome,
      String verb, SqlRunner.Attempt attempt, OffsetDateTime startedAt) {
    String history = SqlRunner.lockHistory(verb, attempt.number(), attempt.blockers());
    String summary = outcome.summary() == null || outcome.summary().isBlank() ? verb : outcome.summary();
    String text = runner.targets().redact(history.isEmpty() ? summary : summary + "; " + history);
    AppliedSteps.StoredStep row = new AppliedSteps.StoredStep(call.runId(), call.step().id(), action, phase(call), kind.name(),
        text, outcome.rows(), attempt.number(), startedAt, now());
    new AppliedSteps(tx).insertStep(row);
    if (!attempt.blockers().isEmpty()) {
      new RunEvents(tx).insertLockWaited(new RunEvent(call.target(), call.runId(),
          RunEventKind.LOCK_WAITED.word() + ":" + call.step().id() + ":" + action.word(), RunEventKind.LOCK_WAITED.word(),
          call.step().id(), null, runner.targets().redact(verb + " after waiting on " + SqlRunner.names(attempt.blockers()))),
          attempt.blockerSql());
    }
    return row;
  }

  /** The step's run, share-locked: an abandon waits for this transaction, and this one sees an abandon that came first. */
  private static Runs.StoredRun requireRun(DSLContext tx, StepCall call) {
    return new Runs(tx).runForShare(call.runId()).orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
        "run " + call.runId() + " is not in the ledger of target '" + call.target() + "'; begin the run first",
        "RunNotFound"));
  }

  /**
   * The step kind's view of the transaction. Plan SQL runs as written, so it goes through plain
   * JDBC statements: with prepared statements a {@code ?} (the jsonb operator) would be taken for
   * a bind parameter.
   */
  private StepContext context(StepCall call, DSLContext tx) {
    if (tx != null) {
      SqlRunner.setWaveKey(tx, call.waveKey());
    }
    return new StepContext(call.runId(), call.target(), call.step(), tx == null ? null : planSql(tx),
        new Environment(call));
  }

  private static DSLContext planSql(DSLContext tx) {
    return DSL.using(tx.configuration().derive(new Settings().withStatementType(StatementType.STATIC_STATEMENT)));
  }

  /** What a step may do in this run on this worker, and SQL outside its own transaction. */
  private final class Environment implements StepEnvironment {
    private final StepCall call;
    private final io.temporal.activity.ActivityExecutionContext activity = currentActivity();
    private long lastHeartbeat;

    Environment(StepCall call) {
      this.call = call;
    }

    @Override
    public boolean allowFixes() {
      return call.allowFixes();
    }

    @Override
    public boolean allowCommands() {
      return allowCommands;
    }

    @Override
    public <T> T inTransaction(java.util.function.Function<DSLContext, T> work) {
      return runner.run(call.target(), call.step().id(), StepAction.APPLY, SqlTimeouts.of(call.step()),
          (tx, attempt) -> {
            SqlRunner.setWaveKey(tx, call.waveKey());
            return work.apply(planSql(tx));
          }).value();
    }

    @Override
    public <T> T look(java.util.function.Function<DSLContext, T> work) {
      return work.apply(runner.targets().dsl(call.target()));
    }

    @Override
    public Targets.Target connection() {
      return runner.targets().target(call.target());
    }

    @Override
    public OtherTargetReads readsOn(String target) {
      return new OtherTargetReads(runner.targets(), target, call.target(), call.step().id());
    }

    @Override
    public void heartbeat() {
      long now = System.nanoTime();
      if (activity == null || now - lastHeartbeat < 2_000_000_000L) {
        return;
      }
      lastHeartbeat = now;
      try {
        activity.heartbeat(new StepHeartbeat(call.step().id(), StepAction.APPLY, 1, false, java.util.List.of(), null, null));
      } catch (io.temporal.client.ActivityWorkerShutdownException shuttingDown) {
        // let the step finish; its row is written after it
      }
    }
  }

  private static io.temporal.activity.ActivityExecutionContext currentActivity() {
    try {
      return io.temporal.activity.Activity.getExecutionContext();
    } catch (RuntimeException notInAnActivity) {
      return null;
    }
  }

  private static PlanStep check(StepCall call) {
    if (call == null || call.step() == null || call.step().id() == null || call.runId() == null
        || call.target() == null) {
      throw ApplicationFailure.newNonRetryableFailure("a step call needs a target, a run id and a step", "BadRequest");
    }
    return call.step();
  }

  private static StepKind<?> kind(PlanStep step) {
    return StepKinds.ALL.find(step.kind()).orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
        "step '" + step.id() + "' has unknown kind '" + step.kind() + "'; this worker knows: "
            + String.join(", ", StepKinds.ALL.names()),
        "StepFailed"));
  }

  /** The step's kind, which must run in activities: a gate is decided by the workflow. */
  private static ExecutedKind<?> executed(PlanStep step) {
    if (kind(step) instanceof ExecutedKind<?> executed) {
      return executed;
    }
    throw ApplicationFailure.newNonRetryableFailure(
        "step '" + step.id() + "' (kind " + step.kind() + ") is decided by the workflow, not applied", "BadRequest");
  }

  private static String phase(StepCall call) {
    return call.phase() == null ? "" : call.phase();
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }
}
