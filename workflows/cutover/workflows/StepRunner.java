package cutover.workflows;

import cutover.activities.PartCall;
import cutover.activities.PartResult;
import cutover.activities.PartsCall;
import cutover.activities.StepAction;
import cutover.activities.StepActivities;
import cutover.activities.StepCall;
import cutover.activities.StepParts;
import cutover.activities.StepResult;
import cutover.activities.steps.StepKind;
import cutover.activities.steps.StepKinds;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Applies and compensates steps for the workflows. A step of a kind that runs in one
 * transaction is one activity. A batched step (a backfill) is three stages: prepare its parts,
 * run every part as its own activity in parallel (batches run inside them, with heartbeats, so
 * the history grows by a few events per part, never per batch), then record the result.
 * The step's kind says which ({@link StepKind.Execution#BATCHED}).
 */
final class StepRunner {
  private final StepActivities steps;
  private final StepActivities parts;

  StepRunner(StepActivities steps, StepActivities parts) {
    this.steps = steps;
    this.parts = parts;
  }

  /** Whether the step runs as a batched step, i.e. whether pause and tune reach it within a batch. */
  static boolean batched(StepCall call) {
    return StepKinds.ALL.of(call.step()).execution() == StepKind.Execution.BATCHED;
  }

  /** @throws ActivityFailure when the step (or one of its parts) failed */
  StepResult apply(StepCall call) {
    return apply(call, () -> false);
  }

  /**
   * Applies the step; a batched step's parts are cancelled as soon as {@code stop} holds (a
   * rollback was asked for), and the step then fails as cancelled: its compensation stops any
   * batch still running and removes what was copied.
   *
   * @throws ActivityFailure when the step (or one of its parts) failed or was stopped
   */
  StepResult apply(StepCall call, Supplier<Boolean> stop) {
    if (!batched(call)) {
      return steps.apply(call);
    }
    long started = Workflow.currentTimeMillis();
    runParts(call, StepAction.APPLY, stop);
    return took(steps.apply(call), started);
  }

  /** @throws ActivityFailure when the compensation (or one of its parts) failed */
  StepResult compensate(StepCall call) {
    if (!batched(call)) {
      return steps.compensate(call);
    }
    long started = Workflow.currentTimeMillis();
    runParts(call, StepAction.COMPENSATE, () -> false);
    return took(steps.compensate(call), started);
  }

  /** The result with the whole batched step's duration (parts included), by the workflow's clock. */
  private static StepResult took(StepResult result, long started) {
    return new StepResult(result.stepId(), result.action(), result.outcome(), result.rows(), result.attempts(),
        Workflow.currentTimeMillis() - started, result.recorded());
  }

  /** Prepares the parts and runs them all; a failed part fails the step once every part has ended. */
  private void runParts(StepCall call, StepAction action, Supplier<Boolean> stop) {
    StepParts prepared = steps.prepareParts(new PartsCall(call, action));
    if (prepared.recorded()) {
      return;
    }
    List<Promise<PartResult>> running = new ArrayList<>();
    CancellationScope scope = Workflow.newCancellationScope(() -> {
      for (int part = 0; part < prepared.parts(); part++) {
        running.add(Async.function(parts::runPart, new PartCall(call, action, part, prepared.parts())));
      }
    });
    scope.run();
    Workflow.await(() -> stop.get() || running.stream().allMatch(Promise::isCompleted));
    boolean stopped = !running.stream().allMatch(Promise::isCompleted);
    if (stopped) {
      scope.cancel("rollback requested");
    }
    ActivityFailure first = null;
    for (Promise<PartResult> promise : running) {
      try {
        promise.get();
      } catch (ActivityFailure failure) {
        if (first == null && !(failure.getCause() instanceof CanceledFailure)) {
          first = failure;
        }
      } catch (CanceledFailure cancelled) {
        if (!stopped) {
          throw cancelled; // the workflow itself is cancelled
        }
      }
    }
    if (first != null) {
      throw first;
    }
    if (stopped) {
      throw new Stopped("step '" + call.step().id() + "' was stopped for the rollback: its parts were cancelled");
    }
  }

  /** A batched step whose parts were cancelled because a rollback was asked for. */
  static final class Stopped extends RuntimeException {
    Stopped(String message) {
      super(message, null, false, false);
    }
  }
}
