package cutover.workflows;

import cutover.activities.LedgerActivities;
import cutover.activities.RunRef;
import cutover.activities.StepActivities;
import cutover.activities.VerifyCall;
import cutover.activities.steps.SoakGate;
import cutover.activities.steps.WaitGate;
import cutover.plan.PlanStep;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The gates a phase holds over time: {@code wait} (a durable timer) and {@code soak} (a
 * verification repeated every interval for a duration). Both end early when an operator sends
 * {@code skip} for them (recorded with who and why) and give way to a rollback request.
 */
final class TimedGates {
  static final String WAIT = "wait";
  static final String SOAK = "soak";

  private final StepActivities steps;
  private final LedgerActivities ledger;
  private final Operator operator;
  private final LedgerRecorder recorder;
  private final Map<String, StepView> views;
  /** The gate holding now, which {@code skip} may end. */
  private String open;
  private GateDecision skipped;
  private Long runStartedAt;

  TimedGates(StepActivities steps, LedgerActivities ledger, Operator operator, LedgerRecorder recorder,
      Map<String, StepView> views) {
    this.steps = steps;
    this.ledger = ledger;
    this.operator = operator;
    this.recorder = recorder;
    this.views = views;
  }

  static boolean holds(PlanStep step) {
    return WAIT.equals(step.kind()) || SOAK.equals(step.kind());
  }

  /** @return null when the gate passed (its time is up, or it was skipped), else why it did not */
  String hold(PlanStep step, String target, String run, String phase) {
    return WAIT.equals(step.kind()) ? waitFor(step, target, run) : soak(step, target, run, phase);
  }

  /** @return why a skip is refused, or null when it is accepted */
  String skip(GateDecision decision) {
    if (open == null || !open.equals(decision.gate())) {
      return "gate '" + decision.gate() + "' is not a wait or soak that is holding"
          + (open == null ? "" : " (holding: '" + open + "')");
    }
    skipped = decision;
    return null;
  }

  private String waitFor(PlanStep step, String target, String run) {
    long now = Workflow.currentTimeMillis();
    boolean relative = step.string("until") != null && step.string("until").strip().startsWith("T+");
    if (relative && runStartedAt == null) {
      runStartedAt = ledger.runStartedAt(new RunRef(target, run));
    }
    long firesAt = WaitGate.firesAt(step, runStartedAt == null ? now : runStartedAt, now);
    String when = Instant.ofEpochMilli(firesAt) + (step.string("until") != null ? " (" + step.string("until").strip() + ")"
        : " (after " + describe(Duration.ofMillis(firesAt - now)) + ")");
    String wait = "waiting until " + when + "; skip: cutover skip " + run + " --gate " + step.id();
    recorder.event("wait_started", step.id(), null, "fires at " + when);
    String outcome = holdUntil(step, firesAt, wait);
    if (outcome == null) {
      String done = skipped != null ? skippedText() : "waited until " + when;
      recorder.event(skipped != null ? "wait_skipped" : "wait_fired", step.id(),
          skipped != null ? skipped.by() : null, done);
      views.computeIfPresent(step.id(), (k, v) -> v.with("completed", done, 1, Workflow.currentTimeMillis() - now));
    }
    skipped = null;
    return outcome;
  }

  private String soak(PlanStep step, String target, String run, String phase) {
    PlanStep repeated = SoakGate.repeated(step);
    Duration every = step.duration("every", Duration.ofHours(1));
    Duration length = step.duration("for", Duration.ofDays(1));
    long started = Workflow.currentTimeMillis();
    long ends = started + length.toMillis();
    recorder.event("soak_started", step.id(), null, repeated.kind() + " every " + describe(every) + " for "
        + describe(length) + ", until " + Instant.ofEpochMilli(ends));
    for (int number = 1; ; number++) {
      final int check = number;
      long now = Workflow.currentTimeMillis();
      String state = "soaking: " + repeated.kind() + " " + check + " every " + describe(every) + ", clean for "
          + describe(Duration.ofMillis(now - started)) + " of " + describe(length) + ", ends " + Instant.ofEpochMilli(ends)
          + "; skip: cutover skip " + run + " --gate " + step.id();
      operator.state = RunState.WAITING;
      views.computeIfPresent(step.id(), (k, v) -> v.with("running", state));
      try {
        steps.verify(new VerifyCall(target, run, phase, repeated, check));
      } catch (ActivityFailure failure) {
        String why = "soak '" + step.id() + "' failed at check " + check + " after "
            + describe(Duration.ofMillis(Workflow.currentTimeMillis() - started)) + " clean: " + Failures.describe(failure);
        recorder.event("soak_failed", step.id(), null, why);
        views.computeIfPresent(step.id(), (k, v) -> v.with("failed", why));
        return why;
      }
      long checked = Workflow.currentTimeMillis();
      if (checked >= ends) {
        String done = "held for " + describe(length) + ": " + check + " " + repeated.kind() + "s clean";
        recorder.event("soak_passed", step.id(), null, done);
        views.computeIfPresent(step.id(), (k, v) -> v.with("completed", done, check, checked - started));
        operator.state = RunState.RUNNING;
        return null;
      }
      String outcome = holdUntil(step, Math.min(ends, checked + every.toMillis()), state);
      if (outcome != null) {
        return outcome;
      }
      if (skipped != null) {
        String done = skippedText() + " after " + check + " clean " + repeated.kind() + (check == 1 ? "" : "s");
        recorder.event("soak_skipped", step.id(), skipped.by(), done);
        views.computeIfPresent(step.id(), (k, v) -> v.with("completed", done, check, Workflow.currentTimeMillis() - started));
        skipped = null;
        return null;
      }
    }
  }

  /** Sleeps until the time, a skip or a rollback request. @return null unless a rollback was asked for */
  private String holdUntil(PlanStep step, long untilMillis, String waitingText) {
    open = step.id();
    operator.state = RunState.WAITING;
    views.computeIfPresent(step.id(), (k, v) -> v.with(WAIT.equals(step.kind()) ? "waiting" : "running", waitingText));
    long left = untilMillis - Workflow.currentTimeMillis();
    if (left > 0) {
      Workflow.await(Duration.ofMillis(left), () -> skipped != null || operator.rollbackRequested);
    }
    open = null;
    if (operator.rollbackRequested && skipped == null) {
      String why = "rollback requested while " + step.kind() + " '" + step.id() + "' held";
      views.computeIfPresent(step.id(), (k, v) -> v.with("failed", why));
      return why;
    }
    operator.state = RunState.RUNNING;
    return null;
  }

  private String skippedText() {
    return "skipped by " + skipped.by() + (skipped.comment() == null || skipped.comment().isBlank() ? ""
        : ": " + skipped.comment());
  }

  /** 90d, 2h30m, 45s: the largest units, for people. */
  static String describe(Duration duration) {
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
