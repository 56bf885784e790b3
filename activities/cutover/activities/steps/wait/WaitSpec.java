package cutover.activities.steps.wait;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import cutover.plan.StepSpec;
import cutover.plan.schema.ExactlyOneOf;
import java.time.Duration;

/**
 * The fields of a {@code wait} gate: one of them.
 *
 * @param length {@code for:} how long to wait from when the gate is reached
 * @param until {@code T+90d} / {@code T-7d} (from the run's instant T given at start, else its start) or an instant with its offset
 */
@JsonClassDescription("A durable timer in the phase workflow: for: a duration, or until: a moment; "
    + "`cutover skip RUN --gate ID` ends it early.")
@ExactlyOneOf({"for", "until"})
public record WaitSpec(
    @JsonProperty("for")
    @JsonPropertyDescription("How long to wait from when the gate is reached, at most 10 years.")
    Duration length,
    @JsonPropertyDescription("T+90d or T-7d (from the instant T given at start with --instant; without one T is the run's "
        + "start and T-... is refused), or an instant with its offset, quoted: \"2026-12-01T09:00:00Z\".")
    String until) implements StepSpec {

  @Override
  public String kind() {
    return WaitGate.NAME;
  }
}
