package cutover.activities.steps.flag;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepSpec;
import cutover.plan.schema.Required;
import java.util.List;

/**
 * The fields of a {@code flag} step.
 *
 * @param flag the flag's name
 * @param enabled the value set when {@code value} is not given
 * @param value the text set, or null to set {@code enabled}
 * @param tenants the tenants it is set for; empty: for everyone
 */
@JsonClassDescription("Sets a row of cutover.flag, announced by NOTIFY cutover_flag; a rollback restores the "
    + "previous values.")
public record FlagSpec(
    @Required
    @JsonPropertyDescription("The flag's name, at most 200 characters.")
    String flag,
    @JsonProperty(defaultValue = "false")
    @JsonPropertyDescription("Switches the flag on or off (set as the text true / false) when value: is not given.")
    Boolean enabled,
    @JsonPropertyDescription("The text set, instead of enabled:; at most 2000 characters.")
    String value,
    @JsonPropertyDescription("The tenants it is set for; everyone when omitted.")
    List<String> tenants,
    @JsonUnwrapped
    SqlTimeouts timeouts) implements StepSpec, SqlTimeouts.Given {

  public FlagSpec {
    enabled = enabled != null && enabled;
    tenants = tenants == null ? List.of() : List.copyOf(tenants);
    timeouts = timeouts == null ? SqlTimeouts.DEFAULTS : timeouts;
  }

  /** The value the step sets: value:, else enabled: as "true" / "false". */
  public String setting() {
    return value != null ? value : String.valueOf(enabled);
  }

  @Override
  public String kind() {
    return FlagStep.NAME;
  }
}
