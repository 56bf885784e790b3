package cutover.activities.steps.soak;

import cutover.activities.RunEventKind;
import cutover.activities.steps.GateContext;
import cutover.activities.steps.StepState;
import cutover.activities.steps.TimedGate;
import cutover.plan.PlanStep;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;

/**
 * A soak gate whose checks run in a child {@link SoakWorkflow}: the phase's history holds the
 * child's start and end, the decisions forwarded to it and its hundred-odd progress reports,
 * whatever the number of checks. Skip, pause, resume and rollback reach the child as signals;
 * status shows the last progress it reported.
 */
final class SoakChild extends TimedGate implements SoakProgressSignal {
  private final SoakSpec spec;
  private SoakProgress progress;
  private String childId;

  SoakChild(PlanStep step, SoakSpec spec, GateContext context) {
    super(step, context);
    this.spec = spec;
  }

  @Override
  public String pass() {
    String kind = spec.repeated().kind();
    Duration every = spec.every() == null ? Duration.ofHours(1) : spec.every();
    Duration length = spec.length() == null ? Duration.ofDays(1) : spec.length();
    long started = Workflow.currentTimeMillis();
    String phaseWorkflowId = Workflow.getInfo().getWorkflowId();
    // a soak started over after a retry reuses the id: the earlier child has closed
    childId = phaseWorkflowId + "." + step.id();
    context.event(RunEventKind.SOAK_STARTED, null, kind + " every " + describe(every) + " for " + describe(length)
        + ", until " + Instant.ofEpochMilli(started + length.toMillis()) + ", in workflow " + childId);
    SoakRequest request = SoakRequest.first(context.target(), context.run(), context.phase(),
        SoakGate.repeated(step, spec), phaseWorkflowId, every.toMillis(), started, length.toMillis());
    progress = new SoakProgress(step.id(), 0, started, request.endsAtMillis(), 0, false);
    holding = true; // shown running from the child's first report, after its first check
    SoakWorkflow child = Workflow.newChildWorkflowStub(SoakWorkflow.class,
        ChildWorkflowOptions.newBuilder().setWorkflowId(childId).build());
    Promise<SoakResult> ended = Async.function(child::run, request);
    Workflow.getWorkflowExecution(child).get();
    boolean skipSent = false;
    boolean rollbackSent = false;
    boolean pausedThere = false;
    while (!ended.isCompleted()) {
      boolean pausedNow = pausedThere;
      boolean skipSentNow = skipSent;
      boolean rollbackSentNow = rollbackSent;
      Workflow.await(() -> ended.isCompleted() || skippedBy != null && !skipSentNow
          || context.rollbackRequested() && !rollbackSentNow || context.paused() != pausedNow);
      if (ended.isCompleted()) {
        break;
      }
      // by workflow id alone: the signal reaches the child's latest run, whatever it continued as
      SoakWorkflow latest = Workflow.newExternalWorkflowStub(SoakWorkflow.class, childId);
      if (skippedBy != null && !skipSent) {
        skipSent = true;
        send(latest::skip);
      } else if (context.rollbackRequested() && !rollbackSent) {
        rollbackSent = true;
        send(latest::rollback);
      } else if (context.paused() != pausedThere) {
        pausedThere = context.paused();
        send(pausedThere ? latest::pause : latest::resume);
      }
    }
    holding = false;
    SoakResult result;
    try {
      result = ended.get();
    } catch (ChildWorkflowFailure failure) {
      // the child could not run (its worker's code refused it): the phase waits for retry or rollback
      String why = "soak '" + step.id() + "' could not run in workflow " + childId + ": " + rootMessage(failure);
      context.event(RunEventKind.SOAK_FAILED, null, why);
      context.failed(why);
      return why;
    }
    return ended(result, kind, started);
  }

  private static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof TemporalFailure temporal ? temporal.getOriginalMessage() : String.valueOf(cause.getMessage());
  }

  /** Signals the child; one that has just ended cannot hear it and needs not: its result is on the way. */
  private static void send(Runnable signal) {
    try {
      signal.run();
    } catch (RuntimeException ended) {
      // the child closed meanwhile
    }
  }

  private String ended(SoakResult result, String kind, long started) {
    long took = Workflow.currentTimeMillis() - started;
    String checks = result.checks() + " " + kind + (result.checks() == 1 ? "" : "s");
    return switch (result.ended()) {
      case PASSED -> {
        String done = "held for " + describe(Duration.ofMillis(result.endsAtMillis() - result.cleanSinceMillis())) + ": "
            + checks + " clean";
        context.event(RunEventKind.SOAK_PASSED, null, done);
        context.completed(done, result.checks(), took);
        context.running();
        yield null;
      }
      case SKIPPED -> {
        String done = skippedText() + " after " + result.checks() + " clean " + kind + (result.checks() == 1 ? "" : "s");
        context.event(RunEventKind.SOAK_SKIPPED, skippedBy, done);
        context.completed(done, result.checks(), took);
        context.running();
        yield null;
      }
      case FAILED -> {
        String why = "soak '" + step.id() + "' failed at check " + result.checks() + " after "
            + describe(Duration.ofMillis(took)) + " clean: " + result.failure();
        if (result.findings()) {
          context.failedOnFindings();
        }
        context.event(RunEventKind.SOAK_FAILED, null, why);
        context.failed(why);
        yield why;
      }
      case GAVE_WAY -> {
        String why = "rollback requested while soak '" + step.id() + "' held, after " + checks + " clean";
        context.failed(why);
        yield why;
      }
    };
  }

  @Override
  public void soakProgress(SoakProgress reported) {
    if (reported == null || !step.id().equals(reported.step()) || !holding) {
      return;
    }
    progress = reported;
    show();
  }

  /** What status shows: the child's last report. */
  private void show() {
    SoakProgress p = progress;
    long shownAt = Math.max(p.cleanSinceMillis(), p.lastCheckMillis());
    String kind = spec.repeated().kind();
    String state = (p.paused() ? "soak paused (checks resume with resume): " : "soaking: ") + p.checksDone() + " "
        + kind + (p.checksDone() == 1 ? "" : "s") + " clean, every " + describe(spec.every()) + ", clean for "
        + describe(Duration.ofMillis(shownAt - p.cleanSinceMillis())) + " of " + describe(spec.length()) + ", ends "
        + Instant.ofEpochMilli(p.endsAtMillis()) + " (as of " + Instant.ofEpochMilli(shownAt) + "; live: workflow "
        + childId + ")" + skipHint();
    context.waitingForTime(StepState.RUNNING, state);
  }
}
