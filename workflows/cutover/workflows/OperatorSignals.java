package cutover.workflows;

import io.temporal.workflow.SignalMethod;

/**
 * The signals people send to a cutover or a phase, from the CLI or the Temporal UI. The names are
 * constants because {@link SignalMethod} needs them at compile time; {@link OperatorSignal} is the
 * typed list that code uses.
 */
public interface OperatorSignals {
  String APPROVE = "approve";
  String REJECT = "reject";
  String SKIP = "skip";
  String RETRY = "retry";
  String ROLLBACK = "rollback";
  String PAUSE = "pause";
  String RESUME = "resume";
  String TUNE = "tune";
  String ACCEPT = "accept";
  String DONE = "done";

  @SignalMethod(name = APPROVE)
  void approve(GateDecision decision);

  @SignalMethod(name = REJECT)
  void reject(GateDecision decision);

  /** Retries the failed step (or compensation), or reopens a rejected gate. */
  @SignalMethod(name = RETRY)
  void retry(OperatorAction action);

  /** Runs the compensations of completed steps in reverse order, unless a point of no return has passed. */
  @SignalMethod(name = ROLLBACK)
  void rollback(OperatorAction action);

  /** Holds work before the next step starts; a running backfill pauses after its current batch. */
  @SignalMethod(name = PAUSE)
  void pause(OperatorAction action);

  @SignalMethod(name = RESUME)
  void resume(OperatorAction action);

  /** Ends a {@code wait} or {@code soak} gate early; recorded with who and why. */
  @SignalMethod(name = SKIP)
  void skip(GateDecision decision);

  /** Changes the batch size or rate cap of the running backfill, from its next batch on. */
  @SignalMethod(name = TUNE)
  void tune(Tuning tuning);

  /** Accepts the findings of the failed verification the phase waits on, with who and why: the phase goes on. */
  @SignalMethod(name = ACCEPT)
  void accept(Acceptance acceptance);

  /** Says a manual task's work is done: its check runs again. */
  @SignalMethod(name = DONE)
  void done(GateDecision decision);
}
