package cutover.activities.steps;

import cutover.plan.PlanStep;
import cutover.plan.StepFields;

/**
 * {@code reportOnly: true} on a verification (a check, a parity): what it finds is recorded in
 * its report and in the step's outcome, and the phase goes on, as for known findings a team has
 * chosen to watch rather than block on.
 */
public final class ReportOnly {
  public static final String FIELD = "reportOnly";
  /** What the outcome of a report-only verification that did not hold begins with. */
  public static final String PREFIX = "report only, not failing: ";

  private ReportOnly() {}

  /** The spec of a verification that may be marked report-only. */
  public interface Given {
    Boolean reportOnly();
  }

  /** Whether the step's findings are reported without failing the phase. */
  public static boolean of(PlanStep step) {
    return step != null && step.spec() instanceof Given given && Boolean.TRUE.equals(given.reportOnly());
  }

  /** Reads {@code reportOnly:}; null when absent. */
  public static Boolean read(StepFields fields) {
    return fields.optionalBoolean(FIELD);
  }

  /**
   * The outcome a report-only verification is recorded with: a failed one as passed, its summary
   * saying what it found; its report (with {@code passed: false}) is written as it was.
   */
  public static StepOutcome kept(StepOutcome outcome) {
    return outcome.failed() ? new StepOutcome(PREFIX + outcome.summary(), outcome.rows(), outcome.report(), false)
        : outcome;
  }
}
