package cutover.activities.steps.freeze;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepSpec;
import cutover.plan.schema.Required;

/**
 * The fields of an {@code unfreeze} step.
 *
 * @param of the id of the freeze step whose block it lifts
 */
@JsonClassDescription("Lifts the block of an earlier freeze step; a role's sessions opened during the freeze are "
    + "ended when the freeze said terminate: true, so they reconnect writable. Nothing to undo: a rollback lifts the "
    + "freeze itself.")
public record UnfreezeSpec(
    @Required
    @JsonPropertyDescription("The id of the freeze step whose block is lifted; written before this step.")
    String of,
    @JsonUnwrapped
    SqlTimeouts timeouts) implements StepSpec, SqlTimeouts.Given {

  public UnfreezeSpec {
    timeouts = timeouts == null ? SqlTimeouts.DEFAULTS : timeouts;
  }

  @Override
  public String kind() {
    return UnfreezeStep.NAME;
  }
}
