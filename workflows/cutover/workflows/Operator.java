package cutover.workflows;

import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * What operators asked of a workflow (pause, retry, rollback) and the waiting that follows. Signal
 * handlers only set flags here; the workflow's main line acts on them between steps.
 */
final class Operator {
  /** Notices and answers kept for the status query; older ones are in the ledger. */
  private static final int KEPT = 50;

  RunState state = RunState.RUNNING;
  boolean paused;
  boolean retryRequested;
  boolean rollbackRequested;
  /** A person accepted the failed verification's findings: the phase goes on past it. */
  boolean findingsAccepted;
  /** The completed point-of-no-return step, here or in an earlier phase. */
  String pointOfNoReturn;
  String lastError;
  final List<String> notices = new ArrayList<>();
  final List<SignalAnswer> answers = new ArrayList<>();

  void notice(String text) {
    keep(notices, text);
  }

  /** Answers a signal: the sender reads {@code accepted}, people read the message as a notice. */
  void answer(String requestId, OperatorSignal signal, boolean accepted, String message) {
    keep(answers, new SignalAnswer(requestId, signal, accepted, message));
    WorkflowMetrics.signalAnswered(signal, accepted, message);
    notice(message);
  }

  /**
   * Refuses a payload whose fields have the wrong type. Answered only (status and notices), not
   * written to the ledger: such a signal used to be dropped, and a ledger write would change the
   * commands its histories replay.
   *
   * @return true when refused
   */
  boolean refusedAsUnreadable(OperatorSignal signal, SentPayload payload) {
    if (payload == null || payload.unreadable() == null) {
      return false;
    }
    answer(payload.requestId(), signal, false, "refused: " + signal.word() + " — " + payload.unreadable());
    return true;
  }

  private static <T> void keep(List<T> list, T item) {
    list.add(item);
    if (list.size() > KEPT) {
      list.remove(0);
    }
  }

  /** @return why a rollback is refused now, or null if it is accepted */
  String requestRollback(String by, String requestId) {
    if (pointOfNoReturn != null) {
      String refusal = "rollback refused: step '" + pointOfNoReturn + "' is the point of no return and has completed";
      answer(requestId, OperatorSignal.ROLLBACK, false, refusal + " (asked by " + by + ")");
      return refusal;
    }
    rollbackRequested = true;
    answer(requestId, OperatorSignal.ROLLBACK, true, "rollback requested by " + by);
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
   * After a step failed for good: waits for {@code retry}, {@code rollback} or, for a failed
   * verification, {@code accept}.
   *
   * @return true to retry or go on past accepted findings, false to roll back
   */
  boolean awaitRetryOrRollback(String error) {
    lastError = error;
    state = RunState.FAILED_WAITING;
    Workflow.await(() -> retryRequested || rollbackRequested || findingsAccepted);
    retryRequested = false;
    findingsAccepted = false;
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
