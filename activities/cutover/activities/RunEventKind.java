package cutover.activities;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What happened in a run, as {@code cutover.run_event} records it (the word in its {@code kind} column). */
public enum RunEventKind {
  STEP_FAILED,
  COMPENSATION_FAILED,
  GATE_OPENED,
  WAIT_STARTED,
  WAIT_FIRED,
  WAIT_SKIPPED,
  SOAK_STARTED,
  SOAK_PASSED,
  SOAK_FAILED,
  SOAK_SKIPPED,
  RETRY,
  RETRY_IGNORED,
  ROLLBACK,
  ROLLBACK_REQUESTED,
  ROLLBACK_REFUSED,
  PAUSE,
  RESUME,
  TUNE,
  TUNE_REFUSED;

  /** The ledger's word: {@code step_failed}. */
  @JsonValue
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind a ledger word names; null for a word this version does not know. */
  @JsonCreator
  public static RunEventKind of(String word) {
    for (RunEventKind kind : values()) {
      if (kind.word().equals(word)) {
        return kind;
      }
    }
    return null;
  }
}
