package cutover.activities.steps;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What an operator decides at a gate; the signal of the same name carries it. */
public enum Decision {
  APPROVE,
  REJECT,
  SKIP;

  /** The word the signal, the ledger and status use: {@code approve}, {@code reject}, {@code skip}. */
  @JsonValue
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Decision of(String word) {
    for (Decision decision : values()) {
      if (decision.word().equals(word)) {
        return decision;
      }
    }
    throw new IllegalArgumentException("no decision '" + word + "'");
  }
}
