package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import cutover.activities.steps.Decision;

/** The signals of {@link OperatorSignals}, by the name Temporal knows each by. */
public enum OperatorSignal {
  APPROVE(OperatorSignals.APPROVE),
  REJECT(OperatorSignals.REJECT),
  SKIP(OperatorSignals.SKIP),
  RETRY(OperatorSignals.RETRY),
  ROLLBACK(OperatorSignals.ROLLBACK),
  PAUSE(OperatorSignals.PAUSE),
  RESUME(OperatorSignals.RESUME),
  TUNE(OperatorSignals.TUNE),
  ACCEPT(OperatorSignals.ACCEPT),
  DONE(OperatorSignals.DONE);

  private final String word;

  OperatorSignal(String word) {
    this.word = word;
  }

  /** The signal's name in Temporal: {@code approve}. */
  @JsonValue
  public String word() {
    return word;
  }

  /** The signal a name names; null for a name this version does not know. */
  @JsonCreator
  public static OperatorSignal of(String word) {
    for (OperatorSignal signal : values()) {
      if (signal.word.equals(word)) {
        return signal;
      }
    }
    return null;
  }

  /** The signal that carries a decision at a gate. */
  public static OperatorSignal of(Decision decision) {
    return switch (decision) {
      case APPROVE -> APPROVE;
      case REJECT -> REJECT;
      case SKIP -> SKIP;
      case ACCEPT -> ACCEPT;
      case DONE -> DONE;
    };
  }
}
