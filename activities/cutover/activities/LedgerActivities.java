package cutover.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** The ledger's run, decision and event records. Every write is idempotent by its key. */
@ActivityInterface
public interface LedgerActivities {

  /**
   * Records the run as active. Fails, not retryable, with type {@code TargetBusy} naming the
   * active run if the target already has one; with {@code resume} the run's existing row is
   * taken over instead (its completed steps and decisions stand).
   */
  @ActivityMethod(name = "BeginRun")
  RunStart beginRun(BeginRun request);

  @ActivityMethod(name = "EndRun")
  void endRun(EndRun request);

  /**
   * Marks an active or failed run abandoned, with who and why, in one transaction that waits for any
   * step transaction of the run: from then on the ledger refuses its steps, and its target is free.
   * Fails, not retryable, with {@code RunEnded} for a run over for good, {@code RunNotFound} for none.
   */
  @ActivityMethod(name = "AbandonRun")
  AbandonedRun abandonRun(AbandonRun request);

  /** Records a decision at a gate, accepted or refused; idempotent by its signal id. */
  @ActivityMethod(name = "RecordDecision")
  void recordDecision(DecisionRecord decision);

  /** The accepted decisions already recorded for a gate of a run (they stand on resume). */
  @ActivityMethod(name = "GateDecisions")
  List<DecisionRecord> gateDecisions(GateRef gate);

  /** Records an operator action or state change of a run; idempotent by its key. */
  @ActivityMethod(name = "RecordRunEvent")
  void recordEvent(RunEvent event);

  /**
   * Records a tune of a batched step: its event and the merge of its values into the step's
   * tuning, in one transaction; idempotent by the event's key.
   */
  @ActivityMethod(name = "RecordTune")
  void recordTune(TuneRecord tune);

  /** When the run began (epoch millis), as the ledger recorded it: the T of a wait's {@code until: T+90d}. */
  @ActivityMethod(name = "RunStartedAt")
  long runStartedAt(RunRef run);

  /** Recent runs on a target, newest first; every configured target when target is null. */
  @ActivityMethod(name = "ListRuns")
  List<RunSummary> listRuns(ListRuns request);
}
