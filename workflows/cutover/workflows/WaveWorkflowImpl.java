package cutover.workflows;

import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a wave's keys as child workflows, at most {@code concurrency} at once, in the wave's
 * order; starts none once more keys than allowed have failed, or once stopped.
 */
public class WaveWorkflowImpl implements WaveWorkflow {
  private final Operator operator = new Operator();
  private WaveRequest request;
  private final Set<String> running = new LinkedHashSet<>();
  private final List<KeyOutcome> outcomes = new ArrayList<>();
  private int failed;
  private boolean stopped;

  @Override
  public WaveResult run(WaveRequest input) {
    if (input == null || CutoverPhaseWorkflowImpl.blank(input.target()) || CutoverPhaseWorkflowImpl.blank(input.run())
        || input.action() == null || input.concurrency() < 1) {
      throw Failures.fatal(TYPE + " needs a target, a run, an action and a concurrency of at least 1; its phase starts it",
          "InvalidInput");
    }
    request = input;
    for (String key : input.keys()) {
      Workflow.await(() -> running.size() < input.concurrency() || stopped);
      if (stopped || failed > input.failuresAllowed()) {
        break;
      }
      start(key);
    }
    Workflow.await(running::isEmpty);
    return new WaveResult(outcomes, stopped);
  }

  private void start(String key) {
    WaveKeyWorkflow child = Workflow.newChildWorkflowStub(WaveKeyWorkflow.class,
        ChildWorkflowOptions.newBuilder().setWorkflowId(keyWorkflowId(request.run(), request.phase(), key)
            + request.keySuffix()).build());
    running.add(key);
    Promise<KeyOutcome> outcome = Async.function(child::run, new WaveKeyRequest(request.target(), request.run(),
        request.phase(), key, request.steps(), request.allowFixes(), request.action()));
    outcome.handle((ended, failure) -> {
      KeyOutcome result = ended != null ? ended : new KeyOutcome(key, failedState(), null,
          "the workflow of key '" + key + "' failed: " + Failures.describe(unwrap(failure)));
      running.remove(key);
      if (result.state() == KeyState.FAILED || result.state() == KeyState.ROLLBACK_FAILED) {
        failed++;
      }
      outcomes.add(result);
      return null;
    });
  }

  private KeyState failedState() {
    return request.action() == WaveAction.APPLY ? KeyState.FAILED : KeyState.ROLLBACK_FAILED;
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof ChildWorkflowFailure child && child.getCause() != null ? child.getCause() : failure;
  }

  /** A key's workflow id: {@code <run>/<phase>/<key>}. */
  static String keyWorkflowId(String run, String phase, String key) {
    return run + "/" + phase + "/" + key;
  }

  @Override
  public void stop(OperatorAction action) {
    if (operator.refusedAsUnreadable(OperatorSignal.ROLLBACK, action)) {
      return;
    }
    if (action == null || CutoverPhaseWorkflowImpl.blank(action.by())) {
      operator.answer(action == null ? null : action.requestId(), OperatorSignal.ROLLBACK, false,
          "refused: stop needs who stops the wave, e.g. " + OperatorAction.EXAMPLE);
      return;
    }
    stopped = true;
    operator.answer(action == null ? null : action.requestId(), OperatorSignal.ROLLBACK, true,
        "wave stopped by " + CutoverPhaseWorkflowImpl.actor(action) + ": no more keys start");
  }

  @Override
  public WaveProgress status() {
    if (request == null) {
      return new WaveProgress(null, null, 0, List.of(), 0, 0, 0, stopped, List.copyOf(operator.answers));
    }
    int done = outcomes.size() - failed;
    int pending = request.keys().size() - outcomes.size() - running.size();
    return new WaveProgress(request.label(), request.action(), request.keys().size(), List.copyOf(running), done, failed,
        pending, stopped, List.copyOf(operator.answers));
  }
}
