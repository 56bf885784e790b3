package cutover.workflows;

import cutover.activities.Word;

/** Where one key of a wave phase is; status shows its word, {@code rolled_back}. */
public enum KeyState implements Word {
  /** Not started: the untouched keys after a failure budget ran out stay so. */
  PENDING,
  RUNNING,
  DONE,
  FAILED,
  ROLLED_BACK,
  ROLLBACK_FAILED;

  /** Whether the key's steps may have changed something a rollback must undo. */
  boolean touched() {
    return this == RUNNING || this == DONE || this == FAILED || this == ROLLBACK_FAILED;
  }
}
