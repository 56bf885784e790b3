package cutover.workflows;

/**
 * The task queue of a target's activities, {@code cutover.target.<name>}: only workers configured
 * for the target poll it, so its work never reaches a worker that lacks the target, and waits
 * there while no worker has it. Workflows stay on the shared queue {@code cutover}.
 */
public final class TargetTaskQueue {
  public static final String PREFIX = "cutover.target.";
  /** The plan parser's rule for target names (lowercase letters, digits, '.', '_', '-'; at most 100). */
  private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

  private TargetTaskQueue() {}

  /** @throws IllegalArgumentException naming the target when it is not a valid target name */
  public static String of(String target) {
    if (target == null || !NAME.matcher(target).matches()) {
      throw new IllegalArgumentException("'" + target + "' is not a target name: use lowercase letters a-z, digits 0-9,"
          + " '.', '_' and '-', starting with a letter or digit, at most 100 characters");
    }
    return PREFIX + target;
  }
}
