package cutover.activities.steps;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a step of a running phase is, as status shows it. */
public enum StepState {
  PENDING,
  RUNNING,
  WAITING,
  COMPLETED,
  FAILED,
  COMPENSATING,
  COMPENSATED,
  COMPENSATION_FAILED;

  /** The word status and reports show: {@code completed}. */
  @JsonValue
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state a word names; null for a word this version does not know. */
  @JsonCreator
  public static StepState of(String word) {
    for (StepState state : values()) {
      if (state.word().equals(word)) {
        return state;
      }
    }
    return null;
  }
}
