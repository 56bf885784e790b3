package cutover.activities.steps.check;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import cutover.activities.steps.ReportOnly;
import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepSpec;
import cutover.plan.schema.ExactlyOneOf;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of a {@code check} step.
 *
 * @param query SQL that must return no rows, or null when the check is a {@code scalar}
 * @param scalar SQL returning one value that must lie within {@code min} / {@code max}, or null
 * @param min the scalar's lower bound, or null
 * @param max the scalar's upper bound, or null
 * @param fix SQL of safe corrections, run only when the run allows fixes, or null
 * @param saves per table the fix changes ({@code table} or {@code schema.table}), the rows kept before it runs: a
 *     condition, or {@value #ALL_ROWS}; a rollback puts them back. Empty when nothing is saved
 * @param show how many of the rows found are listed
 * @param reportOnly findings are reported and do not fail the phase
 */
@JsonClassDescription("An assertion: query: must return no rows, or scalar: must lie within min: / max:. fix: SQL "
    + "runs only in runs started with --allow-fixes, then the check runs again; a rollback undoes the fix by putting "
    + "back the rows saves: kept, or by compensate:, unless the step is declared irreversible: true.")
@ExactlyOneOf({"query", "scalar"})
public record CheckSpec(
    @JsonPropertyDescription("SQL that must return no rows.")
    String query,
    @JsonPropertyDescription("SQL returning one value that must lie within min: / max: (one of them at least).")
    String scalar,
    @JsonPropertyDescription("The scalar's lower bound.")
    BigDecimal min,
    @JsonPropertyDescription("The scalar's upper bound.")
    BigDecimal max,
    @JsonPropertyDescription("SQL of safe corrections, run only when the run allows fixes.")
    String fix,
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyDescription("The rows the fix changes, kept before it runs (in the cutover schema) and put back by a "
        + "rollback: per table (table or schema.table, with a primary key) a condition choosing the rows, or all. The "
        + "condition should choose the rows before and after the fix; rows it chooses after the fix that it did not "
        + "before are deleted by the rollback.")
    Map<String, String> saves,
    @JsonProperty(defaultValue = "" + DEFAULT_SHOW)
    @JsonPropertyDescription("How many of the rows found are listed; 1 to 1000.")
    Integer show,
    @JsonProperty(defaultValue = "false")
    @JsonPropertyDescription("Findings are recorded in the report and the step's outcome, and do not fail the phase.")
    Boolean reportOnly,
    @JsonUnwrapped
    SqlTimeouts timeouts) implements StepSpec, SqlTimeouts.Given, ReportOnly.Given {
  public static final int DEFAULT_SHOW = 20;
  /** The value of a {@code saves:} table whose every row is kept. */
  public static final String ALL_ROWS = "all";

  public CheckSpec {
    saves = saves == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(saves));
    show = show == null ? DEFAULT_SHOW : show;
    reportOnly = reportOnly != null && reportOnly;
    timeouts = timeouts == null ? SqlTimeouts.DEFAULTS : timeouts;
  }

  @Override
  public String kind() {
    return CheckStep.NAME;
  }
}
