package cutover.activities.steps.snapshot;

import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepSpec;
import java.time.Duration;
import java.util.List;

/**
 * The fields of a {@code snapshot} step.
 *
 * @param tables the tables whose rows are kept ({@code table} or {@code schema.table}), in the plan's order
 */
public record SnapshotSpec(List<String> tables, Duration lockTimeout, Duration statementTimeout, Integer lockRetries)
    implements StepSpec, SqlTimeouts {

  public SnapshotSpec {
    tables = tables == null ? List.of() : List.copyOf(tables);
    lockTimeout = SqlTimeouts.lockTimeout(lockTimeout);
    statementTimeout = SqlTimeouts.statementTimeout(statementTimeout);
    lockRetries = SqlTimeouts.lockRetries(lockRetries);
  }

  @Override
  public String kind() {
    return SnapshotStep.NAME;
  }
}
