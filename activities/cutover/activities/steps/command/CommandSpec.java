package cutover.activities.steps.command;

import cutover.plan.StepSpec;
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
public record CommandSpec(List<String> command, Duration timeout, String workdir, Integer tail) implements StepSpec {
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
