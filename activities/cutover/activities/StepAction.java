package cutover.activities;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What is done to a step: applied, or compensated (undone), the two the ledger records (the word
 * is its {@code action} column); or verified again, as a soak repeats its checks (never recorded
 * as a step).
 */
public enum StepAction {
  APPLY,
  COMPENSATE,
  VERIFY;

  /** The ledger's and the payloads' word: {@code apply}, {@code compensate}. */
  @JsonValue
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The action a word names; null for any other word. */
  @JsonCreator
  public static StepAction of(String word) {
    for (StepAction action : values()) {
      if (action.word().equals(word)) {
        return action;
      }
    }
    return null;
  }
}
