package cutover.activities.steps;

import cutover.activities.Word;

/** Where a step of a running phase is, as status shows it. */
public enum StepState implements Word {
  PENDING, RUNNING, WAITING, COMPLETED, FAILED, COMPENSATING, COMPENSATED, COMPENSATION_FAILED,
  /** Given way to a rollback an operator asked for: no failure. */
  STOPPED,
  /** A verification failed and a person accepted its findings, with a reason: the phase went on. */
  ACCEPTED
}
