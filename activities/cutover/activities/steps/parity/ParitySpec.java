package cutover.activities.steps.parity;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import cutover.activities.steps.ReportOnly;
import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepSpec;
import cutover.plan.schema.ExactlyOneOf;
import cutover.plan.schema.Required;
import java.time.Duration;
import java.util.List;

/**
 * The fields of a {@code parity} step.
 *
 * @param legacy the rows as they were
 * @param fresh the rows as they are now ({@code new:} in the plan)
 * @param key compare rows by these columns; empty: no row comparison
 * @param columns the compared columns; empty: every column both sides share
 * @param groupBy compare aggregates per group of these columns; empty: no group comparison
 * @param groups the relation that lists every group, or null: the groups are those present in the data
 * @param aggregates computed per group
 * @param chunkRows rows per key-range chunk
 * @param show how many differences are listed
 * @param times how many comparisons in a row must hold
 * @param interval the pause between them
 * @param reportOnly differences are reported and do not fail the phase
 */
@JsonClassDescription("Compares a legacy and a new side: aggregates per group (groupBy:), and rows by key (key:), "
    + "hashed in the database per key-range chunk; give key:, groupBy: or both.")
public record ParitySpec(
    @Required
    @JsonPropertyDescription("The rows as they were: {table:, where:} or {query:}.")
    Side legacy,
    @Required
    @JsonProperty("new")
    @JsonPropertyDescription("The rows as they are now: {table:, where:} or {query:}.")
    Side fresh,
    @JsonPropertyDescription("Compare rows by these columns; no row comparison when omitted.")
    List<String> key,
    @JsonPropertyDescription("The compared columns; every column both sides share when omitted.")
    List<String> columns,
    @JsonPropertyDescription("Compare aggregates per group of these columns, e.g. [tenant]; no group comparison when omitted.")
    List<String> groupBy,
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyDescription("The relation that lists every group (every tenant, also one with no rows on either "
        + "side): {table:, where:, key:} or {query:}; needs groupBy:. Without it, the groups are those in the data.")
    Groups groups,
    @JsonProperty(defaultValue = "count(*)")
    @JsonPropertyDescription("Aggregates computed per group; needs groupBy:.")
    List<String> aggregates,
    @JsonProperty(defaultValue = "" + DEFAULT_CHUNK_ROWS)
    @JsonPropertyDescription("Rows per key-range chunk; 100 to 10000000.")
    Integer chunkRows,
    @JsonProperty(defaultValue = "" + DEFAULT_SHOW)
    @JsonPropertyDescription("How many differences are listed; 1 to 1000.")
    Integer show,
    @JsonProperty(defaultValue = "" + DEFAULT_TIMES)
    @JsonPropertyDescription("How many comparisons in a row must hold; 1 to 100.")
    Integer times,
    @JsonProperty(defaultValue = "0s")
    @JsonPropertyDescription("The pause between repeated comparisons (times: 2 or more); at most 1h.")
    Duration interval,
    @JsonProperty(defaultValue = "false")
    @JsonPropertyDescription("Differences are recorded in the report and the step's outcome, and do not fail the phase.")
    Boolean reportOnly,
    @JsonUnwrapped
    SqlTimeouts timeouts) implements StepSpec, SqlTimeouts.Given, ReportOnly.Given {
  public static final int DEFAULT_CHUNK_ROWS = 10_000;
  public static final int DEFAULT_SHOW = 20;
  public static final int DEFAULT_TIMES = 1;
  public static final Duration DEFAULT_INTERVAL = Duration.ZERO;
  public static final List<String> DEFAULT_AGGREGATES = List.of("count(*)");

  public ParitySpec {
    key = key == null ? List.of() : List.copyOf(key);
    columns = columns == null ? List.of() : List.copyOf(columns);
    groupBy = groupBy == null ? List.of() : List.copyOf(groupBy);
    aggregates = aggregates == null || aggregates.isEmpty() ? DEFAULT_AGGREGATES : List.copyOf(aggregates);
    chunkRows = chunkRows == null ? DEFAULT_CHUNK_ROWS : chunkRows;
    show = show == null ? DEFAULT_SHOW : show;
    reportOnly = reportOnly != null && reportOnly;
    times = times == null ? DEFAULT_TIMES : times;
    interval = interval == null ? DEFAULT_INTERVAL : interval;
    timeouts = timeouts == null ? SqlTimeouts.DEFAULTS : timeouts;
  }

  @Override
  public String kind() {
    return ParityStep.NAME;
  }

  /**
   * Every group, from a table (with an optional filter) or a query: each of its rows names one group
   * by the columns {@code key:} (default: the {@code groupBy:} names), in {@code groupBy:}'s order.
   *
   * @param key the relation's columns that hold the groups' values, in {@code groupBy:}'s order
   * @param requireRows a listed group with no rows on either side is a finding, not a match of 0 = 0
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonClassDescription("The relation that lists every group of a parity's groupBy:, a table or a query.")
  @ExactlyOneOf({"table", "query"})
  public record Groups(
      @JsonPropertyDescription("A table listing the groups, table or schema.table.")
      String table,
      @JsonPropertyDescription("A condition on table:.")
      String where,
      @JsonPropertyDescription("SQL whose rows list the groups.")
      String query,
      @JsonPropertyDescription("The relation's columns holding each group's values, in groupBy:'s order; groupBy:'s "
          + "names when omitted.")
      List<String> key,
      @JsonProperty(defaultValue = "false")
      @JsonPropertyDescription("A listed group with no rows on either side is a finding (else 0 = 0 matches).")
      Boolean requireRows) {

    public Groups {
      key = key == null ? List.of() : List.copyOf(key);
      requireRows = requireRows != null && requireRows;
    }
  }

  /**
   * One side of the comparison ({@code legacy:} or {@code new:}): a table, with an optional
   * filter, or a query.
   *
   * @param table {@code table} or {@code schema.table}, or null when a query is given
   * @param where a condition on the table, or null
   * @param query SQL whose rows are compared, or null when a table is given
   * @param target the target the side is read on when it is not the step's own, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonClassDescription("One side of a parity comparison: a table, with an optional filter, or a query.")
  @ExactlyOneOf({"table", "query"})
  public record Side(
      @JsonPropertyDescription("A table, table or schema.table.")
      String table,
      @JsonPropertyDescription("A condition on table:.")
      String where,
      @JsonPropertyDescription("SQL whose rows are compared; it carries its own WHERE.")
      String query,
      @JsonPropertyDescription("Read this side on another target, which the workers of the plan's target must know too"
          + " (e.g. the source of a copy between targets); the step's own target when omitted.")
      String target) {

    public Side(String table, String where, String query) {
      this(table, where, query, null);
    }
  }
}
