package cutover.activities.steps.check;

import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepSpec;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * The fields of a {@code check} step.
 *
 * @param query SQL that must return no rows, or null when the check is a {@code scalar}
 * @param scalar SQL returning one value that must lie within {@code min} / {@code max}, or null
 * @param min the scalar's lower bound, or null
 * @param max the scalar's upper bound, or null
 * @param fix SQL of safe corrections, run only when the run allows fixes, or null
 * @param show how many of the rows found are listed
 */
public record CheckSpec(String query, String scalar, BigDecimal min, BigDecimal max, String fix, Integer show,
    Duration lockTimeout, Duration statementTimeout, Integer lockRetries) implements StepSpec, SqlTimeouts {
  public static final int DEFAULT_SHOW = 20;

  public CheckSpec {
    show = show == null ? DEFAULT_SHOW : show;
    lockTimeout = SqlTimeouts.lockTimeout(lockTimeout);
    statementTimeout = SqlTimeouts.statementTimeout(statementTimeout);
    lockRetries = SqlTimeouts.lockRetries(lockRetries);
  }

  @Override
  public String kind() {
    return CheckStep.NAME;
  }
}
