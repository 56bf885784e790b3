package cutover.activities.steps.snapshot;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepSpec;
import cutover.plan.schema.Required;
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
    @JsonUnwrapped
    SqlTimeouts timeouts) implements StepSpec, SqlTimeouts.Given {

  public SnapshotSpec {
    tables = tables == null ? List.of() : List.copyOf(tables);
    timeouts = timeouts == null ? SqlTimeouts.DEFAULTS : timeouts;
  }

  @Override
  public String kind() {
    return SnapshotStep.NAME;
  }
}
