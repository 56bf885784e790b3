package cutover.workflows;

import cutover.activities.DecisionRecord;
import cutover.activities.LedgerActivities;
import cutover.activities.RunEvent;
import cutover.activities.RunEventKind;
import cutover.activities.TuneRecord;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Writes decisions and operator events to the ledger in the order they happened, from a
 * workflow coroutine, so signal handlers never block on an activity. A record the ledger refuses
 * stays first in line and is written again after a pause: none is dropped, and {@link #flush}
 * waits for it.
 */
final class LedgerRecorder {
  static final Duration RETRY_AFTER = Duration.ofSeconds(10);

  private LedgerActivities ledger;
  private final Deque<Runnable> pending = new ArrayDeque<>();
  private boolean writing;
  private String target;
  private String run;

  /** Starts writing; records queued before the run row existed are written now. */
  void start(LedgerActivities ledger, String target, String run) {
    this.ledger = ledger;
    this.target = target;
    this.run = run;
    Async.procedure(this::drain);
  }

  void event(RunEventKind kind, String stepId, String actor, String detail) {
    String key = kind.word() + ":" + Workflow.randomUUID();
    pending.add(() -> ledger.recordEvent(new RunEvent(target, run, key, kind.word(), stepId, actor, detail)));
  }

  /** A tune: its event, and its values merged into the step's tuning, which the step's parts read. */
  void tune(String stepId, String by, Integer batchSize, Long rate, String detail) {
    String kind = RunEventKind.TUNE.word();
    String key = kind + ":" + Workflow.randomUUID();
    pending.add(() -> ledger.recordTune(
        new TuneRecord(new RunEvent(target, run, key, kind, stepId, by, detail), batchSize, rate)));
  }

  void decision(DecisionView d) {
    String signalId = d.requestId() != null ? d.requestId() : Workflow.randomUUID().toString();
    pending.add(() -> ledger.recordDecision(new DecisionRecord(
        target, run, d.gate(), d.decision().word(), d.by(), d.comment(), d.accepted(), d.refusal(), signalId, d.atMillis())));
  }

  /** Waits until everything queued is in the ledger. */
  void flush() {
    Workflow.await(() -> pending.isEmpty() && !writing);
  }

  private void drain() {
    while (true) {
      Workflow.await(() -> !pending.isEmpty());
      writing = true;
      try {
        pending.peek().run();
        pending.poll();
      } catch (ActivityFailure failure) {
        // before this version a refused write ended the coroutine, and every later flush waited forever
        if (Workflow.getVersion("ledger-write-retry", Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
          throw failure;
        }
        Workflow.getLogger(LedgerRecorder.class).warn("run {}: a ledger write failed, written again in {}: {}", run,
            RETRY_AFTER, Failures.describe(failure));
        Workflow.sleep(RETRY_AFTER);
      } finally {
        writing = false;
      }
    }
  }
}
