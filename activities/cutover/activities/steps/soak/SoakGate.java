package cutover.activities.steps.soak;

import cutover.activities.RunEventKind;
import cutover.activities.VerifyCall;
import cutover.activities.steps.Gate;
import cutover.activities.steps.GateContext;
import cutover.activities.steps.GateEvents;
import cutover.activities.steps.DefinedKind;
import cutover.activities.steps.GateKind;
import cutover.activities.steps.ReportOnly;
import cutover.activities.steps.StepState;
import cutover.activities.steps.TimedGate;
import cutover.activities.steps.check.CheckStep;
import cutover.activities.steps.http.HttpStep;
import cutover.activities.steps.parity.ParityStep;
import cutover.plan.PlanStep;
import cutover.plan.StepFields;
import cutover.plan.StepSpec;
import cutover.plan.Undo;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.time.Instant;

/**
 * {@code kind: soak} — a condition that must hold over time ("7 days clean"): the verification
 * under {@code check:}, {@code parity:} or {@code http:} runs every {@code every:} for
 * {@code for:}; the first failure pauses the phase for {@code retry} (the soak starts over) or
 * {@code rollback}. The phase workflow holds the timer; each repetition runs through the
 * VerifyStep activity, so the step's exactly-once record never short-circuits it.
 */
public final class SoakGate extends DefinedKind<SoakSpec> implements GateKind<SoakSpec> {
  static final String NAME = "soak";
  /** Since this version a soak's checks run in a child {@link SoakWorkflow} that continues as new: no cap on their number. */
  static final String IN_CHILD_WORKFLOW = "soak-in-child-workflow";

  private final CheckStep check = new CheckStep();
  private final ParityStep parity = new ParityStep();
  private final HttpStep http = new HttpStep();

  public SoakGate() {
    super(NAME, Undo.NOTHING, Execution.WORKFLOW, SoakSpec.class);
  }

  @Override
  public SoakSpec read(StepFields fields) {
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
      }
    }
    StepFields checkSection = fields.optionalSection(check.name());
    StepFields paritySection = fields.optionalSection(parity.name());
    StepFields httpSection = fields.optionalSection(http.name());
    int found = (checkSection != null ? 1 : 0) + (paritySection != null ? 1 : 0) + (httpSection != null ? 1 : 0);
    SoakSpec spec = new SoakSpec(every, length,
        checkSection == null ? null : check.read(checkSection),
        paritySection == null ? null : parity.read(paritySection),
        httpSection == null ? null : http.read(httpSection));
    StepFields repeatedSection = checkSection != null ? checkSection : paritySection;
    if (repeatedSection != null && spec.repeated() instanceof ReportOnly.Given given
        && Boolean.TRUE.equals(given.reportOnly())) {
      repeatedSection.problem(ReportOnly.FIELD, "a soak's verification cannot be report-only: the soak would hold "
          + "whatever it finds", "remove reportOnly:, or make it a check step of its own with reportOnly: true");
    }
    if (found != 1) {
      fields.problem(found == 0 ? "every" : "check", "a soak step repeats exactly one of check:, parity: or http:, "
          + "found " + found, "indent the repeated step's fields under one of check:, parity: or http:");
    }
    return spec;
  }

  /** The verification a soak repeats, as a step of its own kind with the soak's id. */
  public static PlanStep repeated(PlanStep soak, SoakSpec spec) {
    return new PlanStep(soak.id(), soak.description(), null, false, false, spec.repeated(), soak.line());
  }

  @Override
  public boolean findingsAcceptable() {
    return true;
  }

  @Override
  public GateEvents events() {
    return new GateEvents(RunEventKind.SOAK_STARTED,
        List.of(RunEventKind.SOAK_PASSED, RunEventKind.SOAK_SKIPPED, RunEventKind.SOAK_FAILED), false);
  }

  @Override
  public Gate open(PlanStep step, SoakSpec spec, GateContext context) {
    return Workflow.getVersion(IN_CHILD_WORKFLOW, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION
        ? new Open(step, spec, context) : new SoakChild(step, spec, context);
  }

  /** The soak as workflows before {@link #IN_CHILD_WORKFLOW} ran it, in the phase's own history: kept for their replay. */
  private static final class Open extends TimedGate {
    private final SoakSpec spec;

    Open(PlanStep step, SoakSpec spec, GateContext context) {
      super(step, context);
      this.spec = spec;
    }

    @Override
    public String pass() {
      PlanStep repeated = repeated(step, spec);
      StepSpec verification = spec.repeated();
      Duration every = spec.every() == null ? Duration.ofHours(1) : spec.every();
      Duration length = spec.length() == null ? Duration.ofDays(1) : spec.length();
      long started = Workflow.currentTimeMillis();
      long ends = started + length.toMillis();
      context.event(RunEventKind.SOAK_STARTED, null, verification.kind() + " every " + describe(every) + " for "
          + describe(length) + ", until " + Instant.ofEpochMilli(ends));
      for (int number = 1; ; number++) {
        final int check = number;
        long now = Workflow.currentTimeMillis();
        String state = "soaking: " + verification.kind() + " " + check + " every " + describe(every) + ", clean for "
            + describe(Duration.ofMillis(now - started)) + " of " + describe(length) + ", ends "
            + Instant.ofEpochMilli(ends) + skipHint();
        context.waitingForTime(StepState.RUNNING, state);
        String failure = context.verify(new VerifyCall(context.target(), context.run(), context.phase(), repeated, check));
        if (failure != null) {
          String why = "soak '" + step.id() + "' failed at check " + check + " after "
              + describe(Duration.ofMillis(Workflow.currentTimeMillis() - started)) + " clean: " + failure;
          context.event(RunEventKind.SOAK_FAILED, null, why);
          context.failed(why);
          return why;
        }
        long checked = Workflow.currentTimeMillis();
        if (checked >= ends) {
          String done = "held for " + describe(length) + ": " + check + " " + verification.kind() + "s clean";
          context.event(RunEventKind.SOAK_PASSED, null, done);
          context.completed(done, check, checked - started);
          context.running();
          return null;
        }
        String outcome = holdUntil(Math.min(ends, checked + every.toMillis()), StepState.RUNNING, state);
        if (outcome != null) {
          return outcome;
        }
        if (skippedBy != null) {
          String done = skippedText() + " after " + check + " clean " + verification.kind() + (check == 1 ? "" : "s");
          context.event(RunEventKind.SOAK_SKIPPED, skippedBy, done);
          context.completed(done, check, Workflow.currentTimeMillis() - started);
          return null;
        }
      }
    }
  }
}
