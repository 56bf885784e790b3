package cutover.workflows;

import io.temporal.workflow.SignalMethod;

/** The signals people send to a cutover or a phase, from the CLI or the Temporal UI. */
public interface OperatorSignals {

  @SignalMethod(name = "approve")
  void approve(GateDecision decision);

  @SignalMethod(name = "reject")
  void reject(GateDecision decision);

  /** Retries the failed step (or compensation), or reopens a rejected gate. */
  @SignalMethod(name = "retry")
  void retry(OperatorAction action);

  /** Runs the compensations of completed steps in reverse order, unless a point of no return has passed. */
  @SignalMethod(name = "rollback")
  void rollback(OperatorAction action);

  /** Holds work before the next step starts; a running backfill pauses after its current batch. */
  @SignalMethod(name = "pause")
  void pause(OperatorAction action);

  @SignalMethod(name = "resume")
  void resume(OperatorAction action);

  /** Ends a {@code wait} or {@code soak} gate early; recorded with who and why. */
  @SignalMethod(name = "skip")
  void skip(GateDecision decision);

  /** Changes the batch size or rate cap of the running backfill, from its next batch on. */
  @SignalMethod(name = "tune")
  void tune(Tuning tuning);
}
