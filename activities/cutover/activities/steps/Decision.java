package cutover.activities.steps;

import com.fasterxml.jackson.annotation.JsonCreator;
import cutover.activities.Word;

/** What an operator decides at a gate; the signal of the same name carries it. */
public enum Decision implements Word {
  APPROVE, REJECT, SKIP;

  /** The decision a word names; null for any other word. */
  @JsonCreator
  public static Decision of(String word) {
    return Word.of(Decision.class, word);
  }
}
