package cutover.activities;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * An enum whose constants are written as lower-case words, in the ledger's columns and in JSON:
 * {@code STEP_FAILED} as {@code step_failed}.
 */
public interface Word {

  /** The enum constant's name. */
  String name();

  @JsonValue
  default String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The constant a word names; null for any other word (one a later version wrote, say). */
  static <E extends Enum<E> & Word> E of(Class<E> type, String word) {
    for (E constant : type.getEnumConstants()) {
      if (constant.word().equals(word)) {
        return constant;
      }
    }
    return null;
  }
}
