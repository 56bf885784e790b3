package cutover.activities.steps.task;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import cutover.activities.steps.check.CheckSpec;
import cutover.plan.StepSpec;
import cutover.plan.schema.Required;

/**
 * The fields of a {@code task} gate: what a person is to do, and the check that says it is done.
 *
 * @param instructions what to do, shown by status while the task waits
 * @param check runs each time the person says the work is done; the task passes when it holds
 */
@JsonClassDescription("A manual task: a person does the work out of band (instructions: shown by status), then says "
    + "`cutover done RUN --step ID`; its check: runs again, and the task waits once more until it holds.")
public record TaskSpec(
    @Required
    @JsonPropertyDescription("What the person is to do, shown by status while the task waits.")
    String instructions,
    @Required
    @JsonPropertyDescription("The check that says the work is done: the fields of a check step (no fix:).")
    CheckSpec check) implements StepSpec {

  @Override
  public String kind() {
    return TaskGate.NAME;
  }
}
