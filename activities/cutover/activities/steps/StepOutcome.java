package cutover.activities.steps;

/**
 * What a step did, in words for people and a row count where one applies.
 *
 * @param report the findings of a verification, as JSON, written to {@code cutover.step_report}; or null
 * @param failed the verification did not hold: its report is kept and the step fails with the summary
 */
public record StepOutcome(String summary, Long rows, String report, boolean failed) {

  public StepOutcome(String summary, Long rows) {
    this(summary, rows, null, false);
  }

  public static StepOutcome of(String summary) {
    return new StepOutcome(summary, null);
  }

  /** A verification that held. */
  public static StepOutcome passed(String summary, Long rows, String report) {
    return new StepOutcome(summary, rows, report, false);
  }

  /** A verification that did not hold. */
  public static StepOutcome failed(String summary, String report) {
    return new StepOutcome(summary, null, report, true);
  }

  /** "1 row", "3 rows". */
  public static String rows(long count) {
    return count + (count == 1 ? " row" : " rows");
  }
}
