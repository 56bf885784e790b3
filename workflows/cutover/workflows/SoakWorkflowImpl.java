package cutover.workflows;

import cutover.activities.RepeatedVerifyCall;
import cutover.activities.RepeatedVerifyResult;
import cutover.activities.StepActivities;
import cutover.activities.VerifyCall;
import cutover.activities.steps.soak.SoakEnd;
import cutover.activities.steps.soak.SoakProgress;
import cutover.activities.steps.soak.SoakProgressSignal;
import cutover.activities.steps.soak.SoakRequest;
import cutover.activities.steps.soak.SoakResult;
import cutover.activities.steps.soak.SoakSpec;
import cutover.activities.steps.soak.SoakWorkflow;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * A soak's checks. Checks at most {@link SoakSpec#ACTIVITY_SPAN} apart run an activity each, and a timer between;
 * more frequent ones run {@link SoakSpec#ACTIVITY_SPAN}'s worth per activity, which polls them and heartbeats,
 * as Temporal advises for frequent polling. Every {@link SoakRequest#CALLS_PER_RUN} activities it
 * continues as new with where it stands. It tells the phase how far it has come about a hundred
 * times in a whole soak and when it pauses or resumes, so the phase's history stays bounded too.
 */
public class SoakWorkflowImpl implements SoakWorkflow {
  private SoakRequest request;
  private int checksDone;
  /** The check that failed did not hold (its findings may be accepted), rather than failing with an error. */
  private boolean failedOnFindings;
  private long endsAt;
  private long lastCheck;
  private boolean paused;
  private boolean skipped;
  private boolean rollbackRequested;
  /** The activity running checks now. */
  private Promise<RepeatedVerifyResult> running;

  @Override
  public SoakResult run(SoakRequest input) {
    if (input == null || input.verification() == null || input.target() == null || input.everyMillis() <= 0
        || input.reportEvery() <= 0) {
      throw Failures.fatal(TYPE + " is started by a phase holding a soak gate, with the soak's state; "
          + "nothing was started", "InvalidInput");
    }
    request = input;
    checksDone = input.checksDone();
    endsAt = input.endsAtMillis();
    long every = input.everyMillis();
    int perCall = (int) Math.max(1, SoakSpec.ACTIVITY_SPAN.toMillis() / every);
    StepActivities verifier = Workflow.newActivityStub(StepActivities.class, ActivityOptions.newBuilder()
        .setTaskQueue(TargetTaskQueue.of(input.target()))
        // an hour of checks, or one slow parity, as a single verify may take
        .setStartToCloseTimeout(Duration.ofHours(12).plus(SoakSpec.ACTIVITY_SPAN).plus(Duration.ofMillis(every)))
        .setHeartbeatTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(1))
            .setMaximumInterval(Duration.ofSeconds(10)).setMaximumAttempts(5).build())
        .build());
    for (int call = 0; ; call++) {
      awaitUnpaused();
      if (rollbackRequested) {
        return end(SoakEnd.GAVE_WAY, null);
      }
      if (skipped) {
        return end(SoakEnd.SKIPPED, null);
      }
      if (call == SoakRequest.CALLS_PER_RUN) {
        Workflow.continueAsNew(request.after(checksDone, endsAt));
      }
      long firstAt = Workflow.currentTimeMillis();
      // the checks at firstAt, firstAt + every, ... up to the end, at most an hour's worth
      int count = (int) Math.min(perCall, Math.max(0, endsAt - firstAt) / every + 1);
      int before = checksDone;
      String failure = checks(verifier, new RepeatedVerifyCall(new VerifyCall(input.target(), input.run(), input.phase(),
          input.verification(), checksDone + 1), count, every), firstAt);
      if (failure != null) {
        return end(SoakEnd.FAILED, failure);
      }
      if (skipped || rollbackRequested || paused) {
        continue; // the checks were cut short: the loop's head pauses, skips or gives way
      }
      long lastDue = firstAt + (long) (checksDone - before - 1) * every;
      lastCheck = Math.max(Workflow.currentTimeMillis(), lastDue);
      if (checksDone - before == count && lastDue >= endsAt) {
        return end(SoakEnd.PASSED, null);
      }
      if (before == 0 || checksDone / input.reportEvery() > before / input.reportEvery()) {
        report();
      }
      long next = Math.min(endsAt, lastDue + every);
      long wait = next - Workflow.currentTimeMillis();
      if (wait > 0) {
        Workflow.await(Duration.ofMillis(wait), () -> skipped || rollbackRequested || paused);
      }
    }
  }

  /**
   * Runs one activity's checks; a skip, pause or rollback cancels it, and the checks due by then
   * count as done (each that ran held, or it would have returned).
   *
   * @return why a check failed, or null
   */
  private String checks(StepActivities verifier, RepeatedVerifyCall call, long firstAt) {
    CancellationScope scope = Workflow.newCancellationScope(() -> {
      running = Async.function(verifier::verifyRepeatedly, call);
    });
    scope.run();
    Workflow.await(() -> running.isCompleted() || skipped || rollbackRequested || paused);
    if (!running.isCompleted()) {
      scope.cancel();
      long due = (Workflow.currentTimeMillis() - firstAt) / call.everyMillis() + 1;
      checksDone += (int) Math.min(call.count(), due);
      return null;
    }
    try {
      RepeatedVerifyResult done = running.get();
      checksDone += done.passed();
      if (done.failure() != null) {
        checksDone++; // the check that failed
        failedOnFindings = done.findings();
      }
      return done.failure();
    } catch (ActivityFailure failure) {
      checksDone++;
      failedOnFindings = failure.getCause() instanceof io.temporal.failure.ApplicationFailure application
          && StepActivities.VERIFICATION_FAILED.equals(application.getType());
      return Failures.describe(failure);
    }
  }

  /** Holds while paused; the time paused is added to the soak's end, since nothing was checked meanwhile. */
  private void awaitUnpaused() {
    if (!paused) {
      return;
    }
    long pausedAt = Workflow.currentTimeMillis();
    report();
    Workflow.await(() -> !paused || skipped || rollbackRequested);
    endsAt += Workflow.currentTimeMillis() - pausedAt;
    report();
  }

  private SoakResult end(SoakEnd ended, String failure) {
    return new SoakResult(ended, checksDone, failure, request.cleanSinceMillis(), endsAt, failedOnFindings);
  }

  /** Tells the phase where the soak stands; a phase that has gone misses nothing it needs. */
  private void report() {
    if (request.phaseWorkflowId() == null) {
      return;
    }
    try {
      Workflow.newExternalWorkflowStub(SoakProgressSignal.class, request.phaseWorkflowId()).soakProgress(status());
    } catch (RuntimeException phaseGone) {
      // the phase closed: its status shows this soak no more
    }
  }

  @Override
  public void skip() {
    skipped = true;
  }

  @Override
  public void pause() {
    paused = true;
  }

  @Override
  public void resume() {
    paused = false;
  }

  @Override
  public void rollback() {
    rollbackRequested = true;
  }

  @Override
  public SoakProgress status() {
    return request == null ? null : new SoakProgress(request.verification().id(), checksDone, request.cleanSinceMillis(),
        endsAt, lastCheck, paused);
  }
}
