package cutover.activities.steps.validate;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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
@JsonClassDescription("ALTER TABLE ... VALIDATE CONSTRAINT for the named constraints, or for every NOT VALID one on "
    + "the tables; give constraints:, tables: or both.")
public record ValidateSpec(
    @JsonPropertyDescription("Constraints to validate: name, table.name or schema.table.name.")
    List<String> constraints,
    @JsonPropertyDescription("Tables (table or schema.table) whose NOT VALID constraints are all validated.")
    List<String> tables,
    @JsonProperty(defaultValue = SqlTimeouts.LOCK_TIMEOUT_DEFAULT)
    @JsonPropertyDescription(SqlTimeouts.LOCK_TIMEOUT_DESCRIPTION)
    Duration lockTimeout,
    @JsonProperty(defaultValue = SqlTimeouts.STATEMENT_TIMEOUT_DEFAULT)
    @JsonPropertyDescription(SqlTimeouts.STATEMENT_TIMEOUT_DESCRIPTION)
    Duration statementTimeout,
    @JsonProperty(defaultValue = SqlTimeouts.LOCK_RETRIES_DEFAULT)
    @JsonPropertyDescription(SqlTimeouts.LOCK_RETRIES_DESCRIPTION)
    Integer lockRetries) implements StepSpec, SqlTimeouts {

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
