package cutover.activities.steps;

import cutover.plan.PlanStep;
import cutover.plan.StepFields;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code kind: soak} — a condition that must hold over time ("7 days clean"): the verification
 * under {@code check:}, {@code parity:} or {@code http:} runs every {@code every:} for
 * {@code for:}; the first failure pauses the phase for {@code retry} (the soak starts over) or
 * {@code rollback}. The phase workflow holds the timer; each repetition runs through the
 * VerifyStep activity, so the step's exactly-once record never short-circuits it.
 */
public final class SoakGate implements StepKind {
  /**
   * Repetitions at most: each costs about 11 workflow-history events (activity, timer, tasks), so
   * a soak stays well under Temporal's 51,200-event limit of one history.
   */
  static final long MAX_REPEATS = 2_000;
  static final List<String> REPEATABLE = List.of("check", "parity", "http");

  @Override
  public String name() {
    return "soak";
  }

  @Override
  public Undo undo() {
    return Undo.NOTHING;
  }

  @Override
  public Execution execution() {
    return Execution.WORKFLOW;
  }

  @Override
  public void validate(StepFields fields) {
    Duration every = fields.optionalDuration("every", null);
    Duration length = fields.optionalDuration("for", null);
    if (every == null) {
      fields.problem("every", "a soak step needs every: (how often to check)", "write e.g. every: 1h");
    }
    if (length == null) {
      fields.problem("for", "a soak step needs for: (how long it must hold)", "write e.g. for: 7d");
    }
    if (every != null && every.compareTo(Duration.ofSeconds(1)) < 0) {
      fields.problem("every", "every: must be at least 1s", "write e.g. every: 1m");
    }
    if (every != null && length != null && !every.isZero()) {
      if (every.compareTo(length) > 0) {
        fields.problem("every", "every: is longer than for:, so the check would run once", "shorten every: or lengthen for:");
      } else if (length.toMillis() / Math.max(1, every.toMillis()) > MAX_REPEATS) {
        fields.problem("every", "every " + every + " for " + length + " is more than " + MAX_REPEATS + " checks",
            "check less often: every: " + Duration.ofMillis(length.toMillis() / MAX_REPEATS + 1000).toSeconds() + "s or more");
      }
    }
    int found = 0;
    for (String kind : REPEATABLE) {
      StepFields section = fields.optionalSection(kind);
      if (section != null) {
        found++;
        StepKinds.get(kind).validate(section);
      }
    }
    if (found != 1) {
      fields.problem(found == 0 ? "every" : "check", "a soak step repeats exactly one of check:, parity: or http:, "
          + "found " + found, "indent the repeated step's fields under one of check:, parity: or http:");
    }
  }

  /** The verification a soak repeats, as a step of its own kind with the soak's id. */
  @SuppressWarnings("unchecked")
  public static PlanStep repeated(PlanStep soak) {
    for (String kind : REPEATABLE) {
      Object section = soak.spec().get(kind);
      if (section instanceof Map<?, ?> map) {
        return new PlanStep(soak.id(), kind, soak.description(), null, false, false, (Map<String, Object>) map,
            soak.line());
      }
    }
    throw new IllegalArgumentException("soak step '" + soak.id() + "' repeats none of check, parity, http");
  }

  @Override
  public StepOutcome apply(StepContext context) {
    throw new IllegalStateException("soak steps are held by the workflow, not applied");
  }

  @Override
  public StepOutcome compensate(StepContext context) {
    return StepOutcome.of("nothing to undo");
  }
}
