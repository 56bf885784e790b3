package cutover.activities.steps;

import com.fasterxml.jackson.annotation.JsonCreator;
import cutover.activities.Word;

/** What an operator decides at a gate, or about a failed verification; the signal of the same name carries it. */
public enum Decision implements Word {
  APPROVE, REJECT, SKIP,
  /** The findings of a failed verification are known and acceptable: the phase goes on past it. */
  ACCEPT,
  /** A person did a manual task's work: its check runs again. */
  DONE;

  /** The decision a word names; null for any other word. */
  @JsonCreator
  public static Decision of(String word) {
    return Word.of(Decision.class, word);
  }
}
