package cutover.activities.steps.soak;

import cutover.activities.RepeatedVerifyCall;
import cutover.activities.RepeatedVerifyResult;
import cutover.activities.StepActivities;
import cutover.activities.StepResult;
import cutover.activities.VerifyCall;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.util.function.Function;

/**
 * Runs a soak's checks in an activity, {@code every} apart, heartbeating the checks done: the
 * soak's workflow cancels it for a skip, a pause or a rollback (seen at the next heartbeat), and a
 * retry after a lost worker goes on after the checks already done when the last heartbeat says
 * how many (a check's SQL heartbeats its own progress meanwhile; then the hour starts over: the
 * checks are repeatable).
 */
public final class SoakChecks {
  /** How often a wait between checks heartbeats: well within the activity's heartbeat timeout. */
  static final long HEARTBEAT_MILLIS = 5_000;

  private SoakChecks() {}

  public static RepeatedVerifyResult run(RepeatedVerifyCall call, Function<VerifyCall, StepResult> verify) {
    if (call == null || call.first() == null || call.count() < 1 || call.everyMillis() < 1) {
      throw ApplicationFailure.newNonRetryableFailure("a repeated verify call needs a first check, a count and an "
          + "interval", "BadRequest");
    }
    ActivityExecutionContext context = Activity.getExecutionContext();
    int done = checksDone(context);
    VerifyCall first = call.first();
    for (int i = done; i < call.count(); i++) {
      if (i > 0) {
        pause(context, call.everyMillis(), i);
      }
      try {
        verify.apply(new VerifyCall(first.target(), first.runId(), first.phase(), first.step(), first.iteration() + i));
      } catch (ApplicationFailure failure) {
        if (!failure.isNonRetryable()) {
          throw failure;
        }
        return new RepeatedVerifyResult(i, failure.getOriginalMessage(),
            StepActivities.VERIFICATION_FAILED.equals(failure.getType()));
      }
      context.heartbeat(i + 1);
    }
    return new RepeatedVerifyResult(call.count(), null);
  }

  private static int checksDone(ActivityExecutionContext context) {
    try {
      return Math.max(0, context.getHeartbeatDetails(Integer.class).orElse(0));
    } catch (RuntimeException aCheckHeartbeatLast) {
      return 0;
    }
  }

  /** Waits the interval, heartbeating: a cancelled activity learns of it here and ends. */
  private static void pause(ActivityExecutionContext context, long millis, int done) {
    long until = System.currentTimeMillis() + millis;
    for (long left = millis; left > 0; left = until - System.currentTimeMillis()) {
      try {
        Thread.sleep(Math.min(left, HEARTBEAT_MILLIS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ApplicationFailure.newFailure("interrupted between soak checks", "Interrupted");
      }
      context.heartbeat(done);
    }
  }
}
