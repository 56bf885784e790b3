package cutover.activities.steps.backfill;

import cutover.activities.Word;

/** Where a backfill part stands; the word is {@code cutover.backfill_checkpoint.state}. */
public enum PartState implements Word {
  /**
   * A guarded match walk's part lists the filter's matches among its source pages, chunk by
   * chunk as the latency guard paces it; its bounds and checkpoint are source pages until it
   * has listed them all, then those of the list, and it runs.
   */
  LISTING,
  RUNNING,
  /** The bulk pass is done; the part replays the changes captured in its key range. */
  REPLAYING,
  DONE,
  /** A compensation of the step began: the part writes no more batches. */
  STOPPED;

  /** The state a ledger word names. */
  static PartState of(String word) {
    PartState state = Word.of(PartState.class, word);
    if (state == null) {
      throw new IllegalStateException("a checkpoint holds an unknown part state: " + word);
    }
    return state;
  }
}
