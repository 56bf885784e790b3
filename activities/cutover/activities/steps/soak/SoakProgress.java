package cutover.activities.steps.soak;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * How far a soak has come: what its child workflow answers to {@code status} and reports to the
 * phase now and then.
 *
 * @param step the soak's step id
 * @param checksDone the checks passed so far
 * @param cleanSinceMillis when the soak started; every check since passed
 * @param endsAtMillis when it will have held long enough (later by any time paused)
 * @param lastCheckMillis when the latest check passed, 0 before the first
 */
public record SoakProgress(String step, int checksDone, long cleanSinceMillis, long endsAtMillis, long lastCheckMillis,
    boolean paused) {

  /** Reads any payload without throwing: a signal anyone may send must not fail the phase; a useless one reads as null. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static SoakProgress read(JsonNode json) {
    if (json == null || !json.isObject() || !json.path("step").isTextual() || !json.path("checksDone").canConvertToInt()) {
      return null;
    }
    return new SoakProgress(json.path("step").textValue(), json.path("checksDone").asInt(),
        json.path("cleanSinceMillis").asLong(), json.path("endsAtMillis").asLong(), json.path("lastCheckMillis").asLong(),
        json.path("paused").asBoolean());
  }
}
