package cutover.activities;

import cutover.activities.steps.BatchedStep;
import cutover.activities.steps.PartContext;
import cutover.activities.steps.PartOutcome;
import cutover.activities.steps.StepContext;
import cutover.activities.steps.StepKind;
import cutover.activities.steps.StepKinds;
import cutover.activities.steps.StepOutcome;
import cutover.plan.PlanStep;
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

  public StepActivitiesImpl(Targets targets) {
    this(new SqlRunner(targets));
  }

  public StepActivitiesImpl(SqlRunner runner) {
    this.runner = Objects.requireNonNull(runner, "runner");
  }

  /** What one transaction decided: a row already there, or one written now. */
  private record Done(Ledger.StoredStep step, boolean recorded) {}

  @Override
  public StepResult apply(StepCall call) {
    PlanStep step = check(call);
    StepKind kind = kind(step);
    OffsetDateTime startedAt = now();
    SqlRunner.Result<Done> result = runner.run(call.target(), step.id(), Ledger.APPLY, SqlRunner.Settings.of(step),
        (tx, attempt) -> {
          Ledger ledger = new Ledger(tx);
          ledger.lockStep(call.runId(), step.id());
          Optional<Ledger.StoredStep> existing = ledger.step(call.runId(), step.id(), Ledger.APPLY);
          if (existing.isPresent()) {
            return new Done(existing.get(), true);
          }
          requireActiveIfApplying(ledger, call, Ledger.APPLY);
          StepOutcome outcome = kind.apply(context(call, tx));
          return new Done(record(ledger, call, kind, Ledger.APPLY, outcome, "applied", attempt, startedAt), false);
        });
    return finish(result);
  }

  @Override
  public StepResult compensate(StepCall call) {
    PlanStep step = check(call);
    StepKind kind = kind(step);
    OffsetDateTime startedAt = now();
    SqlRunner.Result<Done> result = runner.run(call.target(), step.id(), Ledger.COMPENSATE, SqlRunner.Settings.of(step),
        (tx, attempt) -> {
          Ledger ledger = new Ledger(tx);
          ledger.lockStep(call.runId(), step.id());
          Optional<Ledger.StoredStep> existing = ledger.step(call.runId(), step.id(), Ledger.COMPENSATE);
          if (existing.isPresent()) {
            return new Done(existing.get(), true);
          }
          requireRun(ledger, call);
          boolean partlyApplied = kind instanceof BatchedStep batched && batched.started(context(call, tx));
          if (ledger.step(call.runId(), step.id(), Ledger.APPLY).isEmpty() && !partlyApplied) {
            // nothing recorded, nothing written: the step never took effect in this run
            return new Done(new Ledger.StoredStep(call.runId(), step.id(), Ledger.COMPENSATE, phase(call), kind.name(),
                "not applied: nothing to undo", null, attempt.number(), startedAt, now()), false);
          }
          StepOutcome outcome;
          if (step.irreversible()) {
            outcome = StepOutcome.of("irreversible: not undone");
          } else if (kind.undo() == StepKind.Undo.NOTHING) {
            outcome = StepOutcome.of("nothing to undo");
          } else if (kind.undo() == StepKind.Undo.DECLARED && (step.compensate() == null || step.compensate().isBlank())) {
            throw ApplicationFailure.newNonRetryableFailure(
                "step '" + step.id() + "' cannot be compensated: the plan gives no compensate SQL and does not"
                    + " declare it irreversible",
                "StepFailed");
          } else {
            outcome = kind.compensate(context(call, tx));
          }
          return new Done(record(ledger, call, kind, Ledger.COMPENSATE, outcome, "compensated", attempt, startedAt),
              false);
        });
    return finish(result);
  }

  @Override
  public StepParts prepareParts(PartsCall request) {
    StepCall call = request == null ? null : request.call();
    PlanStep step = check(call);
    BatchedStep kind = batched(step);
    String action = action(request.action());
    SqlRunner.Result<StepParts> result = runner.run(call.target(), step.id(), action, SqlRunner.Settings.of(step),
        (tx, attempt) -> {
          Ledger ledger = new Ledger(tx);
          ledger.lockStep(call.runId(), step.id());
          if (ledger.step(call.runId(), step.id(), action).isPresent()) {
            return new StepParts(0, true);
          }
          requireActiveIfApplying(ledger, call, action);
          return new StepParts(kind.prepare(context(call, tx), action), false);
        });
    return result.value();
  }

  @Override
  public PartResult runPart(PartCall request) {
    StepCall call = request == null ? null : request.call();
    PlanStep step = check(call);
    BatchedStep kind = batched(step);
    String action = action(request.action());
    long started = System.nanoTime();
    try (SqlRunner.Session session = runner.open(call.target(), step.id(), action)) {
      session.run(SqlRunner.Settings.of(step), (tx, attempt) -> {
        requireActiveIfApplying(new Ledger(tx), call, action);
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

  private static void requireActiveIfApplying(Ledger ledger, StepCall call, String action) {
    Ledger.StoredRun run = requireRun(ledger, call);
    if (Ledger.APPLY.equals(action) && !Ledger.ACTIVE.equals(run.state())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "step '" + call.step().id() + "' not applied: run " + call.runId() + " is " + run.state()
              + ", not active; resume it with `cutover start --resume " + call.runId() + "`",
          "RunNotActive");
    }
  }

  private static BatchedStep batched(PlanStep step) {
    if (kind(step) instanceof BatchedStep batched) {
      return batched;
    }
    throw ApplicationFailure.newNonRetryableFailure(
        "step '" + step.id() + "' (kind " + step.kind() + ") runs in one transaction and has no parts", "BadRequest");
  }

  private static String action(String action) {
    if (Ledger.APPLY.equals(action) || Ledger.COMPENSATE.equals(action)) {
      return action;
    }
    throw ApplicationFailure.newNonRetryableFailure("action must be apply or compensate, not " + action, "BadRequest");
  }

  private StepResult finish(SqlRunner.Result<Done> result) {
    Done done = result.value();
    if (done.recorded()) {
      return done.step().toResult(true);
    }
    StepResult fresh = done.step().toResult(false);
    return new StepResult(fresh.stepId(), fresh.action(), fresh.outcome(), fresh.rows(), fresh.attempts(),
        result.millis(), false);
  }

  private Ledger.StoredStep record(Ledger ledger, StepCall call, StepKind kind, String action, StepOutcome outcome,
      String verb, SqlRunner.Attempt attempt, OffsetDateTime startedAt) {
    String history = SqlRunner.lockHistory(verb, attempt.number(), attempt.blockers());
    String summary = outcome.summary() == null || outcome.summary().isBlank() ? verb : outcome.summary();
    String text = runner.targets().redact(history.isEmpty() ? summary : summary + "; " + history);
    Ledger.StoredStep row = new Ledger.StoredStep(call.runId(), call.step().id(), action, phase(call), kind.name(),
        text, outcome.rows(), attempt.number(), startedAt, now());
    ledger.insertStep(row);
    return row;
  }

  private static Ledger.StoredRun requireRun(Ledger ledger, StepCall call) {
    return ledger.run(call.runId()).orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
        "run " + call.runId() + " is not in the ledger of target '" + call.target() + "'; begin the run first",
        "RunNotFound"));
  }

  /**
   * The step kind's view of the transaction. Plan SQL runs as written, so it goes through plain
   * JDBC statements: with prepared statements a {@code ?} (the jsonb operator) would be taken for
   * a bind parameter.
   */
  private StepContext context(StepCall call, DSLContext tx) {
    DSLContext planSql = DSL.using(tx.configuration().derive(
        new Settings().withStatementType(StatementType.STATIC_STATEMENT)));
    return new StepContext(call.runId(), call.target(), call.step(), planSql);
  }

  private static PlanStep check(StepCall call) {
    if (call == null || call.step() == null || call.step().id() == null || call.runId() == null
        || call.target() == null) {
      throw ApplicationFailure.newNonRetryableFailure("a step call needs a target, a run id and a step", "BadRequest");
    }
    return call.step();
  }

  private static StepKind kind(PlanStep step) {
    return StepKinds.find(step.kind()).orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
        "step '" + step.id() + "' has unknown kind '" + step.kind() + "'; this worker knows: "
            + String.join(", ", StepKinds.names()),
        "StepFailed"));
  }

  private static String phase(StepCall call) {
    return call.phase() == null ? "" : call.phase();
  }

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }
}
