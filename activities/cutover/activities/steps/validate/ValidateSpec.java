package cutover.activities.steps.validate;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepSpec;
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
    @JsonUnwrapped
    SqlTimeouts timeouts) implements StepSpec, SqlTimeouts.Given {

  public ValidateSpec {
    constraints = constraints == null ? List.of() : List.copyOf(constraints);
    tables = tables == null ? List.of() : List.copyOf(tables);
    timeouts = timeouts == null ? SqlTimeouts.DEFAULTS : timeouts;
  }

  @Override
  public String kind() {
    return ValidateStep.NAME;
  }
}
