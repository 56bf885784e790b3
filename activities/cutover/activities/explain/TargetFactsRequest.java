package cutover.activities.explain;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What {@code plan explain --target} asks the target's worker: the plan's name (for its earlier
 * runs' rates), the tables its steps touch, and per step the query whose rows the planner should
 * estimate (EXPLAIN only: nothing is run).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TargetFactsRequest(String target, String plan, List<String> tables, List<StepQuery> queries) {

  public TargetFactsRequest {
    tables = tables == null ? List.of() : List.copyOf(tables);
    queries = queries == null ? List.of() : List.copyOf(queries);
  }

  /** A step's rows as a query: {@code SELECT 1 FROM from WHERE where}, or the step's own statement. */
  public record StepQuery(String step, String sql) {}
}
