package cutover.activities.steps.soak;

/** How a soak run as a child workflow ended. */
public enum SoakEnd {
  /** Held for its whole length. */
  PASSED,
  /** A check failed. */
  FAILED,
  /** A person skipped the rest. */
  SKIPPED,
  /** It gave way to a rollback. */
  GAVE_WAY
}
