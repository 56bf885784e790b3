package cutover.activities;

import com.fasterxml.jackson.annotation.JsonCreator;

/** What happened in a run, as {@code cutover.run_event} records it (the word in its {@code kind} column). */
public enum RunEventKind implements Word {
  STEP_FAILED,
  /** A step waited for locks: the sessions that blocked it (their SQL in the ledger's {@code blocker_sql} only). */
  LOCK_WAITED,
  COMPENSATION_FAILED,
  GATE_OPENED,
  /** A recorded approval no longer counts: the plan version or the findings it was signed over changed. */
  APPROVAL_VOID,
  WAIT_STARTED,
  WAIT_FIRED,
  WAIT_SKIPPED,
  SOAK_STARTED,
  SOAK_PASSED,
  SOAK_FAILED,
  SOAK_SKIPPED,
  /** A manual task began waiting for its work: its instructions. */
  TASK_OPENED,
  /** A person said a task's work was done and its check held. */
  TASK_DONE,
  /** A person said a task's work was done, but its check did not hold: what it found. */
  TASK_CHECK_FAILED,
  TASK_SKIPPED,
  RETRY,
  RETRY_IGNORED,
  ROLLBACK,
  ROLLBACK_REQUESTED,
  ROLLBACK_REFUSED,
  PAUSE,
  RESUME,
  TUNE,
  TUNE_REFUSED,
  /** An operator ended the run for good ({@code cutover abandon}): who, and why. */
  ABANDONED;

  /** The kind a ledger word names; null for a word this version does not know. */
  @JsonCreator
  public static RunEventKind of(String word) {
    return Word.of(RunEventKind.class, word);
  }
}
