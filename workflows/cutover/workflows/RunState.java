package cutover.workflows;

/** Where a cutover or a phase stands. */
public enum RunState {
  RUNNING,
  WAITING_APPROVAL,
  /** A wait or soak gate holds until its timer ends or an operator skips it. */
  WAITING,
  PAUSED,
  /** A step failed after its retries, or a gate was rejected: waiting for {@code retry} or {@code rollback}. */
  FAILED_WAITING,
  ROLLING_BACK,
  /** A compensation failed: waiting for {@code retry}. */
  ROLLBACK_FAILED_WAITING,
  COMPLETED,
  ROLLED_BACK
}
