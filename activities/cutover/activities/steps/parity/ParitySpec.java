package cutover.activities.steps.parity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepSpec;
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
 * @param aggregates computed per group
 * @param chunkRows rows per key-range chunk
 * @param show how many differences are listed
 * @param times how many comparisons in a row must hold
 * @param interval the pause between them
 */
public record ParitySpec(Side legacy, @JsonProperty("new") Side fresh, List<String> key, List<String> columns,
    List<String> groupBy, List<String> aggregates, Integer chunkRows, Integer show, Integer times, Duration interval,
    Duration lockTimeout, Duration statementTimeout, Integer lockRetries) implements StepSpec, SqlTimeouts {
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
    times = times == null ? DEFAULT_TIMES : times;
    interval = interval == null ? DEFAULT_INTERVAL : interval;
    lockTimeout = SqlTimeouts.lockTimeout(lockTimeout);
    statementTimeout = SqlTimeouts.statementTimeout(statementTimeout);
    lockRetries = SqlTimeouts.lockRetries(lockRetries);
  }

  @Override
  public String kind() {
    return ParityStep.NAME;
  }

  /**
   * One side of the comparison ({@code legacy:} or {@code new:}): a table, with an optional
   * filter, or a query.
   *
   * @param table {@code table} or {@code schema.table}, or null when a query is given
   * @param where a condition on the table, or null
   * @param query SQL whose rows are compared, or null when a table is given
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Side(String table, String where, String query) {}
}
