package cutover.activities.steps.wait;

import com.fasterxml.jackson.annotation.JsonProperty;
import cutover.plan.StepSpec;
import java.time.Duration;

/**
 * The fields of a {@code wait} gate: one of them.
 *
 * @param length {@code for:} how long to wait from when the gate is reached
 * @param until {@code T+90d} (after the run's start) or an instant with its offset
 */
public record WaitSpec(@JsonProperty("for") Duration length, String until) implements StepSpec {

  @Override
  public String kind() {
    return WaitGate.NAME;
  }
}
