package cutover.workflows;

import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * What operators asked of a workflow (pause, retry, rollback) and the waiting that follows. Signal
 * handlers only set flags here; the workflow's main line acts on them between steps.
 */
final class Operator {
  private static final int NOTICES_KEPT = 50;

  RunState state = RunState.RUNNING;
  boolean paused;
  boolean retryRequested;
  boolean rollbackRequested;
  /** The completed point-of-no-return step, here or in an earlier phase. */
  String pointOfNoReturn;
  String lastError;
  final List<String> notices = new ArrayList<>();

  void notice(String text) {
    notices.add(text);
    if (notices.size() > NOTICES_KEPT) {
      notices.remove(0);
    }
  }

  /** @return why a rollback is refused now, or null if it is accepted */
  String requestRollback(String by) {
    if (pointOfNoReturn != null) {
      String refusal = "rollback refused: step '" + pointOfNoReturn + "' is the point of no return and has completed";
      notice(refusal + " (asked by " + by + ")");
      return refusal;
    }
    rollbackRequested = true;
    notice("rollback requested by " + by);
    return null;
  }

  /** Holds while paused, unless a rollback is asked for. */
  void awaitUnpaused() {
    if (!paused) {
      return;
    }
    RunState before = state;
    state = RunState.PAUSED;
    Workflow.await(() -> !paused || rollbackRequested);
    state = before;
  }

  /**
   * After a step failed for good: waits for {@code retry} or {@code rollback}.
   *
   * @return true to retry, false to roll back
   */
  boolean awaitRetryOrRollback(String error) {
    lastError = error;
    state = RunState.FAILED_WAITING;
    Workflow.await(() -> retryRequested || rollbackRequested);
    retryRequested = false;
    if (rollbackRequested) {
      return false;
    }
    lastError = null;
    state = RunState.RUNNING;
    return true;
  }

  /** After a compensation failed: only a retry can go on (the rollback is already under way). */
  void awaitRetry(String error) {
    lastError = error;
    state = RunState.ROLLBACK_FAILED_WAITING;
    Workflow.await(() -> retryRequested);
    retryRequested = false;
    lastError = null;
    state = RunState.ROLLING_BACK;
  }
}
