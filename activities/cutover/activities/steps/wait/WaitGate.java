package cutover.activities.steps.wait;

import cutover.activities.RunEventKind;
import cutover.activities.steps.Gate;
import cutover.activities.steps.GateContext;
import cutover.activities.steps.GateEvents;
import cutover.activities.steps.DefinedKind;
import cutover.activities.steps.GateKind;
import cutover.activities.steps.StepState;
import cutover.activities.steps.TimedGate;
import cutover.plan.PlanStep;
import cutover.plan.StepFields;
import cutover.plan.Undo;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kind: wait} — a durable timer, held by the phase workflow: {@code for: 10m}, or
 * {@code until: T+90d} / {@code until: T-7d} (relative to the run's instant T, as runbooks count
 * T-7d, T+90 days; see {@link PlanInstant}: without one given at start, T is the run's start) or
 * an absolute instant {@code until: "2026-12-01T09:00:00Z"}. An operator may skip it
 * ({@code cutover skip RUN --gate ID}); the skip is recorded with who and why.
 */
public final class WaitGate extends DefinedKind<WaitSpec> implements GateKind<WaitSpec> {
  static final String NAME = "wait";
  private static final Pattern RELATIVE = Pattern.compile("T([+-])((?:\\d+(?:ms|d|h|m|s))+)");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|d|h|m|s)");
  static final Duration LONGEST = Duration.ofDays(3660);

  public WaitGate() {
    super(NAME, Undo.NOTHING, Execution.WORKFLOW, WaitSpec.class);
  }

  @Override
  public WaitSpec read(StepFields fields) {
    Duration duration = fields.optionalDuration("for", null);
    String until = fields.optionalString("until");
    if ((duration == null) == (until == null)) {
      fields.problem("for", "a wait step needs for: (a duration) or until: (T+90d, T-7d, or an instant), one of them",
          "write e.g. for: 10m, until: T+90d, until: T-7d or until: \"2026-12-01T09:00:00Z\"");
    }
    if (duration != null && duration.compareTo(LONGEST) > 0) {
      fields.problem("for", "a wait of more than 10 years is surely a typo", "give a shorter duration");
    }
    if (until != null) {
      try {
        parseUntil(until);
      } catch (IllegalArgumentException e) {
        fields.problem("until", e.getMessage(),
            "write T+ and a duration (T+90d, T+1h30m), T- and one (T-7d), or an instant with its offset "
                + "(\"2026-12-01T09:00:00Z\")");
      }
    }
    return new WaitSpec(duration, until);
  }

  /** An until: value: an offset from T (negative for T-7d), or an absolute instant. */
  public record Until(Duration afterStart, Instant at) {}

  public static Until parseUntil(String text) {
    String value = text.strip();
    Matcher relative = RELATIVE.matcher(value);
    if (relative.matches()) {
      Duration total = Duration.ZERO;
      Matcher part = PART.matcher(relative.group(2));
      while (part.find()) {
        long amount = Long.parseLong(part.group(1));
        total = total.plus(switch (part.group(2)) {
          case "d" -> Duration.ofDays(amount);
          case "h" -> Duration.ofHours(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "s" -> Duration.ofSeconds(amount);
          default -> Duration.ofMillis(amount);
        });
      }
      if (total.compareTo(LONGEST) > 0) {
        throw new IllegalArgumentException("until: " + value + " is more than 10 years from T");
      }
      return new Until(relative.group(1).equals("-") ? total.negated() : total, null);
    }
    try {
      return new Until(null, OffsetDateTime.parse(value).toInstant());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("until: '" + value + "' is neither T+duration nor an instant with an offset (nor T-duration)");
    }
  }

  /**
   * When the wait ends, in epoch milliseconds.
   *
   * @param runStartMillis the run's instant T (given at start, else when the run started)
   * @param nowMillis when the wait begins, for {@code for:}
   */
  public static long firesAt(WaitSpec spec, long runStartMillis, long nowMillis) {
    if (spec.until() == null) {
      return nowMillis + (spec.length() == null ? 0 : spec.length().toMillis());
    }
    Until parsed = parseUntil(spec.until());
    return parsed.at() != null ? parsed.at().toEpochMilli() : runStartMillis + parsed.afterStart().toMillis();
  }

  @Override
  public GateEvents events() {
    return new GateEvents(RunEventKind.WAIT_STARTED, List.of(RunEventKind.WAIT_FIRED, RunEventKind.WAIT_SKIPPED), false);
  }

  @Override
  public Gate open(PlanStep step, WaitSpec spec, GateContext context) {
    return new Open(step, spec, context);
  }

  private static final class Open extends TimedGate {
    private final WaitSpec spec;

    Open(PlanStep step, WaitSpec spec, GateContext context) {
      super(step, context);
      this.spec = spec;
    }

    @Override
    public String pass() {
      long now = Workflow.currentTimeMillis();
      boolean relative = spec.until() != null && spec.until().strip().startsWith("T");
      Long instant = relative ? context.instant() : null;
      long firesAt = firesAt(spec, !relative ? now : instant != null ? instant : context.runStartedAt(), now);
      String when = Instant.ofEpochMilli(firesAt) + (spec.until() != null ? " (" + spec.until().strip() + ")"
          : " (after " + describe(Duration.ofMillis(firesAt - now)) + ")");
      boolean passed = firesAt <= now && spec.until() != null;
      context.event(RunEventKind.WAIT_STARTED, null, "fires at " + when + (passed ? ", which had passed: no wait" : ""));
      String outcome = holdUntil(firesAt, StepState.WAITING, "waiting until " + when + skipHint());
      if (outcome == null) {
        String done = skippedBy != null ? skippedText()
            : passed ? "no wait: " + when + " had passed when the step was reached" : "waited until " + when;
        context.event(skippedBy != null ? RunEventKind.WAIT_SKIPPED : RunEventKind.WAIT_FIRED, skippedBy, done);
        context.completed(done, 1, Workflow.currentTimeMillis() - now);
      }
      return outcome;
    }
  }
}
