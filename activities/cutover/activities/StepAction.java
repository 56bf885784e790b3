package cutover.activities;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * What is done to a step: applied, or compensated (undone), the two the ledger records (the word
 * is its {@code action} column); or verified again, as a soak repeats its checks (never recorded
 * as a step).
 */
public enum StepAction implements Word {
  APPLY, COMPENSATE, VERIFY;

  /** The action a word names; null for any other word. */
  @JsonCreator
  public static StepAction of(String word) {
    return Word.of(StepAction.class, word);
  }
}
