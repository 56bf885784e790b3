package cutover.activities.steps;

import cutover.plan.PlanStep;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * What the gates held over time (a wait, a soak) share: a durable timer that ends early when an
 * operator sends {@code skip} for the gate (recorded with who and why) and gives way to a
 * rollback request.
 */
public abstract class TimedGate implements Gate {
  protected final PlanStep step;
  protected final GateContext context;
  protected boolean holding;
  /** The skip that ended the gate's wait, or null. */
  protected String skippedBy;
  private String skipComment;

  protected TimedGate(PlanStep step, GateContext context) {
    this.step = step;
    this.context = context;
  }

  @Override
  public boolean holding() {
    return holding;
  }

  @Override
  public boolean takes(Decision decision) {
    return decision == Decision.SKIP;
  }

  @Override
  public String decide(Decision decision, String by, String comment) {
    skippedBy = by;
    skipComment = comment;
    return null;
  }

  /**
   * Sleeps until the time, a skip or a rollback request.
   *
   * @param showAs the step's state while it holds: waiting (a wait) or running (a soak)
   * @return null unless a rollback was asked for, else why the gate gave way
   */
  protected String holdUntil(long untilMillis, StepState showAs, String waitingText) {
    holding = true;
    context.waitingForTime(showAs, waitingText);
    long left = untilMillis - Workflow.currentTimeMillis();
    if (left > 0) {
      Workflow.await(Duration.ofMillis(left), () -> skippedBy != null || context.rollbackRequested());
    }
    holding = false;
    if (context.rollbackRequested() && skippedBy == null) {
      String why = "rollback requested while " + step.kind() + " '" + step.id() + "' held";
      context.failed(why);
      return why;
    }
    context.running();
    return null;
  }

  protected String skippedText() {
    return "skipped by " + skippedBy + (skipComment == null || skipComment.isBlank() ? "" : ": " + skipComment);
  }

  /** The hint status shows: how to end the gate early. */
  protected String skipHint() {
    return "; skip: cutover skip " + context.run() + " --gate " + step.id();
  }

  /** 90d, 2h30m, 45s: the largest units, for people. */
  public static String describe(Duration duration) {
    long seconds = Math.max(0, duration.toSeconds());
    long days = seconds / 86_400;
    long hours = seconds % 86_400 / 3_600;
    long minutes = seconds % 3_600 / 60;
    long rest = seconds % 60;
    StringBuilder text = new StringBuilder();
    if (days > 0) {
      text.append(days).append('d');
    }
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (minutes > 0 && days == 0) {
      text.append(minutes).append('m');
    }
    if (rest > 0 && days == 0 && hours == 0) {
      text.append(rest).append('s');
    }
    return text.length() == 0 ? (duration.toMillis() > 0 ? duration.toMillis() + "ms" : "0s") : text.toString();
  }
}
