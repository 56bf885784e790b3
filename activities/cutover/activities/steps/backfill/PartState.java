package cutover.activities.steps.backfill;

import java.util.Locale;

/** Where a backfill part stands; the word is {@code cutover.backfill_checkpoint.state}. */
public enum PartState {
  RUNNING,
  DONE,
  /** A compensation of the step began: the part writes no more batches. */
  STOPPED;

  /** The ledger's word: {@code running}, {@code done}, {@code stopped}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state a ledger word names. */
  static PartState of(String word) {
    for (PartState state : values()) {
      if (state.word().equals(word)) {
        return state;
      }
    }
    throw new IllegalStateException("a checkpoint holds an unknown part state: " + word);
  }
}
