package cutover.activities.steps.sql;

import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepSpec;
import java.time.Duration;

/** The fields of a {@code sql} step. */
public record SqlSpec(String sql, Duration lockTimeout, Duration statementTimeout, Integer lockRetries)
    implements StepSpec, SqlTimeouts {

  public SqlSpec {
    lockTimeout = SqlTimeouts.lockTimeout(lockTimeout);
    statementTimeout = SqlTimeouts.statementTimeout(statementTimeout);
    lockRetries = SqlTimeouts.lockRetries(lockRetries);
  }

  public SqlSpec(String sql) {
    this(sql, null, null, null);
  }

  @Override
  public String kind() {
    return SqlStep.NAME;
  }
}
