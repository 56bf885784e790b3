package cutover.activities;

import com.fasterxml.jackson.annotation.JsonCreator;

/** Where a run stands in the ledger: the word in {@code cutover.run.state}. At most one run per database is active. */
public enum LedgerRunState implements Word {
  ACTIVE,
  COMPLETED,
  ROLLED_BACK,
  FAILED,
  /** Ended by an operator ({@code cutover abandon}) because it could not go on; what it applied stays. */
  ABANDONED;

  /** Whether {@code --resume} may continue the run: it is active, or its workflow failed with its steps standing. */
  public boolean resumable() {
    return this == ACTIVE || this == FAILED;
  }

  /** The state a ledger word names; null for a word this version does not know. */
  @JsonCreator
  public static LedgerRunState of(String word) {
    return Word.of(LedgerRunState.class, word);
  }

  @Override
  public String toString() {
    return word();
  }
}
