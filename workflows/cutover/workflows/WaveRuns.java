package cutover.workflows;

import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Runs one wave as a child workflow for the phase (or the cutover rolling a phase back), and reads how it ended. */
final class WaveRuns {
  private WaveRuns() {}

  /**
   * @param waveId the wave's workflow id, new for every wave run
   * @param stop when it holds (a rollback was asked for) the wave is told to start no more keys
   * @return each started key's outcome; a wave that failed as a whole reports each of its keys failed
   */
  static WaveResult run(String waveId, WaveRequest request, Supplier<Boolean> stop) {
    WaveWorkflow wave = Workflow.newChildWorkflowStub(WaveWorkflow.class,
        ChildWorkflowOptions.newBuilder().setWorkflowId(waveId).build());
    Promise<WaveResult> ended = Async.function(wave::run, request);
    Workflow.await(() -> ended.isCompleted() || stop.get());
    if (!ended.isCompleted()) {
      try {
        Workflow.newExternalWorkflowStub(WaveWorkflow.class, waveId)
            .stop(new OperatorAction("cutover", "rollback requested"));
      } catch (RuntimeException alreadyEnded) {
        // the wave ended meanwhile: its result says so
      }
    }
    try {
      return ended.get();
    } catch (ChildWorkflowFailure failure) {
      String why = "wave " + request.label() + " failed: "
          + Failures.describe(failure.getCause() == null ? failure : failure.getCause());
      KeyState state = request.action() == WaveAction.APPLY ? KeyState.FAILED : KeyState.ROLLBACK_FAILED;
      List<KeyOutcome> outcomes = new ArrayList<>();
      request.keys().forEach(key -> outcomes.add(new KeyOutcome(key, state, null, why)));
      return new WaveResult(outcomes, false);
    }
  }
}
