package cutover.activities.steps.flag;

import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepSpec;
import java.time.Duration;
import java.util.List;

/**
 * The fields of a {@code flag} step.
 *
 * @param flag the flag's name
 * @param enabled the value set when {@code value} is not given
 * @param value the text set, or null to set {@code enabled}
 * @param tenants the tenants it is set for; empty: for everyone
 */
public record FlagSpec(String flag, Boolean enabled, String value, List<String> tenants, Duration lockTimeout,
    Duration statementTimeout, Integer lockRetries) implements StepSpec, SqlTimeouts {

  public FlagSpec {
    enabled = enabled != null && enabled;
    tenants = tenants == null ? List.of() : List.copyOf(tenants);
    lockTimeout = SqlTimeouts.lockTimeout(lockTimeout);
    statementTimeout = SqlTimeouts.statementTimeout(statementTimeout);
    lockRetries = SqlTimeouts.lockRetries(lockRetries);
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
