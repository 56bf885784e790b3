package cutover.activities.steps.snapshot;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepSpec;
import cutover.plan.schema.Required;
import java.time.Duration;
import java.util.List;

/**
 * The fields of a {@code snapshot} step.
 *
 * @param tables the tables whose rows are kept ({@code table} or {@code schema.table}), in the plan's order
 */
@JsonClassDescription("Keeps the rows of the listed tables in a schema of its own (cutover_snapshot_...); a rollback "
    + "truncates the tables and puts the rows back. Restores rows, not structure.")
public record SnapshotSpec(
    @Required
    @JsonPropertyDescription("The tables whose rows are kept, table or schema.table; list the tables that reference "
        + "them too, or the restore cannot truncate them.")
    List<String> tables,
    @JsonProperty(defaultValue = SqlTimeouts.LOCK_TIMEOUT_DEFAULT)
    @JsonPropertyDescription(SqlTimeouts.LOCK_TIMEOUT_DESCRIPTION)
    Duration lockTimeout,
    @JsonProperty(defaultValue = SqlTimeouts.STATEMENT_TIMEOUT_DEFAULT)
    @JsonPropertyDescription(SqlTimeouts.STATEMENT_TIMEOUT_DESCRIPTION)
    Duration statementTimeout,
    @JsonProperty(defaultValue = SqlTimeouts.LOCK_RETRIES_DEFAULT)
    @JsonPropertyDescription(SqlTimeouts.LOCK_RETRIES_DESCRIPTION)
    Integer lockRetries) implements StepSpec, SqlTimeouts {

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
