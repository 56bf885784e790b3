package cutover.activities.steps.command;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import cutover.plan.StepSpec;
import cutover.plan.schema.Required;
import java.time.Duration;
import java.util.List;

/**
 * The fields of a {@code command} step.
 *
 * @param command the program and its arguments, or one line run by {@code sh -c}
 * @param timeout after which the command is killed
 * @param workdir the directory it runs in, or null for the worker's
 * @param tail how many of its last output lines are recorded
 */
@JsonClassDescription("Runs a command on the worker; exit 0 passes, the output's tail is kept. Refused unless the "
    + "worker runs with --allow-commands.")
public record CommandSpec(
    @Required
    @JsonPropertyDescription("The program and its arguments, e.g. [npx, vitest, run], or one line run by sh -c.")
    List<String> command,
    @JsonProperty(defaultValue = "10m")
    @JsonPropertyDescription("After this the command is killed; above 0, at most 12h.")
    Duration timeout,
    @JsonPropertyDescription("The directory it runs in; the worker's when omitted.")
    String workdir,
    @JsonProperty(defaultValue = "" + DEFAULT_TAIL)
    @JsonPropertyDescription("How many of its last output lines are recorded; 1 to 1000.")
    Integer tail) implements StepSpec {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
  public static final int DEFAULT_TAIL = 40;

  public CommandSpec {
    command = command == null ? List.of() : List.copyOf(command);
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    tail = tail == null ? DEFAULT_TAIL : tail;
  }

  @Override
  public String kind() {
    return CommandStep.NAME;
  }
}
