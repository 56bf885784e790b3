package cutover.activities.steps.soak;

import com.fasterxml.jackson.annotation.JsonProperty;
import cutover.activities.steps.check.CheckSpec;
import cutover.activities.steps.http.HttpSpec;
import cutover.activities.steps.parity.ParitySpec;
import cutover.plan.StepSpec;
import java.time.Duration;

/**
 * The fields of a {@code soak} gate: how often, for how long, and the one verification it
 * repeats (exactly one of {@code check}, {@code parity}, {@code http}).
 */
public record SoakSpec(Duration every, @JsonProperty("for") Duration length, CheckSpec check, ParitySpec parity,
    HttpSpec http) implements StepSpec {

  @Override
  public String kind() {
    return SoakGate.NAME;
  }

  /** The verification repeated. */
  public StepSpec repeated() {
    return check != null ? check : parity != null ? parity : http;
  }
}
