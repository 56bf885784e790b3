package cutover.activities.steps.validate;

import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepSpec;
import java.time.Duration;
import java.util.List;

/**
 * The fields of a {@code validate} step.
 *
 * @param constraints constraints to validate: {@code name}, {@code table.name} or {@code schema.table.name}
 * @param tables tables ({@code table} or {@code schema.table}) whose NOT VALID constraints to validate
 */
public record ValidateSpec(List<String> constraints, List<String> tables, Duration lockTimeout,
    Duration statementTimeout, Integer lockRetries) implements StepSpec, SqlTimeouts {

  public ValidateSpec {
    constraints = constraints == null ? List.of() : List.copyOf(constraints);
    tables = tables == null ? List.of() : List.copyOf(tables);
    lockTimeout = SqlTimeouts.lockTimeout(lockTimeout);
    statementTimeout = SqlTimeouts.statementTimeout(statementTimeout);
    lockRetries = SqlTimeouts.lockRetries(lockRetries);
  }

  @Override
  public String kind() {
    return ValidateStep.NAME;
  }
}
