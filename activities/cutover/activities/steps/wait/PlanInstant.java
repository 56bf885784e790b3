package cutover.activities.steps.wait;

import cutover.plan.Plan;
import cutover.plan.PlanStep;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The named instant T of a run ({@code cutover start --instant 2027-01-15T09:00:00Z}): the moment
 * the plan's {@code until: T-7d} and {@code until: T+90d} count from. Without one, T is the run's
 * start, as {@code until: T+...} always counted; a {@code T-} offset needs one.
 */
public final class PlanInstant {
  private PlanInstant() {}

  /** The failure type of a start refused for want of an instant. */
  public static final String MISSING = "InstantMissing";

  /** One moment of the plan relative to T: a wait step and when it fires. */
  public record Moment(String step, String until, Instant at) {
    @Override
    public String toString() {
      return until + " = " + at + " (" + step + ")";
    }
  }

  /** @throws IllegalArgumentException, saying what to write, for text that is not an instant with its offset */
  public static Instant parse(String text) {
    try {
      return OffsetDateTime.parse(text.strip()).toInstant();
    } catch (DateTimeParseException | NullPointerException e) {
      throw new IllegalArgumentException("the instant T '" + text + "' is not an instant with its offset; write e.g. "
          + "2027-01-15T09:00:00Z or 2027-01-15T10:00:00+01:00");
    }
  }

  /** The wait steps of the plan whose {@code until:} counts back from T ({@code T-7d}), which need an instant given. */
  public static List<PlanStep> needingInstant(Plan plan) {
    List<PlanStep> steps = new ArrayList<>();
    for (PlanStep step : waits(plan)) {
      WaitGate.Until until = until(step);
      if (until != null && until.afterStart() != null && until.afterStart().isNegative()) {
        steps.add(step);
      }
    }
    return steps;
  }

  /** Why a run of the plan without an instant is refused, or null when it needs none. */
  public static String refusalWithout(Plan plan) {
    List<PlanStep> needing = needingInstant(plan);
    if (needing.isEmpty()) {
      return null;
    }
    return "plan '" + plan.name() + "' counts back from an instant T (" + String.join(", ", needing.stream()
        .map(s -> "step '" + s.id() + "' until: " + ((WaitSpec) s.spec()).until().strip()).toList())
        + ") but none was given: start it with --instant, e.g. `cutover start " + plan.name()
        + " --instant 2027-01-15T09:00:00Z`, or send \"instant\":\"2027-01-15T09:00:00Z\" in the Cutover input; "
        + "nothing was started";
  }

  /** The plan's moments relative to T, in plan order. */
  public static List<Moment> moments(Plan plan, Instant t) {
    List<Moment> moments = new ArrayList<>();
    for (PlanStep step : waits(plan)) {
      WaitGate.Until until = until(step);
      if (until != null && until.afterStart() != null) {
        moments.add(new Moment(step.id(), ((WaitSpec) step.spec()).until().strip(), t.plus(until.afterStart())));
      }
    }
    return moments;
  }

  private static List<PlanStep> waits(Plan plan) {
    return plan.phases().stream().flatMap(p -> p.steps().stream()).filter(s -> s.spec() instanceof WaitSpec).toList();
  }

  private static WaitGate.Until until(PlanStep step) {
    String text = ((WaitSpec) step.spec()).until();
    if (text == null) {
      return null;
    }
    try {
      return WaitGate.parseUntil(text);
    } catch (IllegalArgumentException unreadable) {
      return null; // the parser refused it already
    }
  }
}
