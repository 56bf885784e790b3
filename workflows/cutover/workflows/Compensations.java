package cutover.workflows;

import cutover.activities.RunEventKind;
import cutover.activities.StepCall;
import cutover.activities.StepResult;
import cutover.activities.steps.StepState;
import io.temporal.failure.ActivityFailure;
import java.util.List;
import java.util.Map;

/** Runs the compensations of attempted steps, last first, for the phase and the cutover alike. */
final class Compensations {
  private Compensations() {}

  /**
   * Each call is compensated exactly once through the ledger, which also knows whether the step
   * was applied at all. A compensation that fails after its retries waits for {@code retry}.
   */
  static void undo(List<StepCall> attemptedInOrder, StepRunner steps, Operator operator, LedgerRecorder recorder,
      Map<String, StepView> views) {
    operator.state = RunState.ROLLING_BACK;
    for (int i = attemptedInOrder.size() - 1; i >= 0; i--) {
      StepCall call = attemptedInOrder.get(i);
      String id = call.step().id();
      views.computeIfPresent(id, (k, v) -> v.with(StepState.COMPENSATING, null));
      while (true) {
        try {
          StepResult result = steps.compensate(call);
          views.computeIfPresent(id,
              (k, v) -> v.with(StepState.COMPENSATED, result.outcome(), result.attempts(), result.millis()));
          break;
        } catch (ActivityFailure failure) {
          String error = Failures.of("compensation of step '" + id + "'", failure);
          views.computeIfPresent(id, (k, v) -> v.with(StepState.COMPENSATION_FAILED, error));
          recorder.event(RunEventKind.COMPENSATION_FAILED, id, null, error);
          operator.awaitRetry(error);
          recorder.event(RunEventKind.RETRY, id, null, "compensation retried");
        }
      }
    }
  }
}
