package cutover.activities.explain;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * What a target tells about a plan, read by the worker that has it: table sizes from the
 * statistics, the planner's row estimates for the plan's filters, and the backfill rates
 * measured by earlier runs. Counts and rates only; no connection detail and no row data.
 *
 * @param tables table (as the plan names it) to its estimated rows ({@code pg_class.reltuples});
 *     absent when the table does not exist or has never been analysed
 * @param estimates step id to the planner's estimate of the rows the step's filter or query selects
 * @param rates step id to the rate its earlier runs on this target measured
 * @param targetRate the median rate of every backfill measured on this target, or null
 * @param problems what could not be read, for the explanation to say
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TargetFacts(String target, Map<String, Long> tables, Map<String, Long> estimates,
    Map<String, MeasuredRate> rates, MeasuredRate targetRate, List<String> problems) {

  public TargetFacts {
    tables = tables == null ? Map.of() : Map.copyOf(tables);
    estimates = estimates == null ? Map.of() : Map.copyOf(estimates);
    rates = rates == null ? Map.of() : Map.copyOf(rates);
    problems = problems == null ? List.of() : List.copyOf(problems);
  }

  /**
   * A rate measured by completed backfills.
   *
   * @param rowsPerSecond rows copied per second of the step's wall-clock time
   * @param runs how many runs it is measured over
   */
  public record MeasuredRate(double rowsPerSecond, int runs, String lastRun) {}
}
