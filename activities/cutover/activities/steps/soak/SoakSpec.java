package cutover.activities.steps.soak;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import cutover.activities.steps.check.CheckSpec;
import cutover.activities.steps.http.HttpSpec;
import cutover.activities.steps.parity.ParitySpec;
import cutover.plan.StepSpec;
import cutover.plan.schema.ExactlyOneOf;
import cutover.plan.schema.Required;
import java.time.Duration;

/**
 * The fields of a {@code soak} gate: how often, for how long, and the one verification it
 * repeats (exactly one of {@code check}, {@code parity}, {@code http}).
 */
@JsonClassDescription("Repeats one verification every interval for a duration (\"7 days clean\"); the first failure "
    + "pauses the phase for retry or rollback.")
@ExactlyOneOf({"check", "parity", "http"})
public record SoakSpec(
    @Required
    @JsonPropertyDescription("How often the verification runs; at least 1s, at most for:.")
    Duration every,
    @Required
    @JsonProperty("for")
    @JsonPropertyDescription("How long the verification must keep holding, e.g. 7d.")
    Duration length,
    @JsonPropertyDescription("A check repeated: the fields of a check step.")
    CheckSpec check,
    @JsonPropertyDescription("A parity comparison repeated: the fields of a parity step.")
    ParitySpec parity,
    @JsonPropertyDescription("HTTP smoke checks repeated: the fields of an http step.")
    HttpSpec http) implements StepSpec {

  @Override
  public String kind() {
    return SoakGate.NAME;
  }

  /** Checks at most this far apart run an activity each; more frequent ones run this long's worth in one activity. */
  public static final Duration ACTIVITY_SPAN = Duration.ofHours(1);

  /**
   * Whether its checks run many to an activity, which waits between them in real time: a
   * skipped clock (a test server's, the demo's) does not shorten those waits.
   */
  public boolean checksWaitInsideAnActivity() {
    return every.compareTo(ACTIVITY_SPAN) < 0;
  }

  /** The verification repeated. */
  public StepSpec repeated() {
    return check != null ? check : parity != null ? parity : http;
  }
}
