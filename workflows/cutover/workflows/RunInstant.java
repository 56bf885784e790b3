package cutover.workflows;

import cutover.activities.steps.wait.PlanInstant;
import cutover.plan.Plan;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.List;

/**
 * A run's instant T as its input gives it ({@code "instant":"2027-01-15T09:00:00Z"}), checked
 * before anything starts: unreadable text, or none for a plan that counts back from T, refuses
 * the start readably.
 */
final class RunInstant {
  /** Since this version a plan with {@code until: T-...} and no instant given is refused at start. */
  static final String REQUIRED = "instant-required";

  private RunInstant() {}

  /** @return T in epoch milliseconds, or null when none was given (T is then the run's start) */
  static Long of(String text, Plan plan) {
    if (text == null || text.isBlank()) {
      String refusal = PlanInstant.refusalWithout(plan);
      if (refusal != null && Workflow.getVersion(REQUIRED, Workflow.DEFAULT_VERSION, 1) >= 1) {
        throw Failures.fatal(refusal, PlanInstant.MISSING);
      }
      return null;
    }
    try {
      return PlanInstant.parse(text).toEpochMilli();
    } catch (IllegalArgumentException unreadable) {
      throw Failures.fatal(unreadable.getMessage() + "; nothing was started", "InvalidInput");
    }
  }

  /** What status shows of T: the plan's moments relative to it ("T-7d = 2027-01-08T09:00:00Z (freeze)"). */
  static List<String> moments(Plan plan, Long t) {
    return plan == null || t == null ? List.of()
        : PlanInstant.moments(plan, Instant.ofEpochMilli(t)).stream().map(PlanInstant.Moment::toString).toList();
  }

  static String text(Long t) {
    return t == null ? null : Instant.ofEpochMilli(t).toString();
  }
}
