package cutover.workflows;

import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Workflow;

/** Readable one-line descriptions of failures, for status and the ledger. */
final class Failures {
  private Failures() {}

  static String describe(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    if (cause instanceof TimeoutFailure timeout) {
      return "timed out (" + timeout.getTimeoutType() + ")";
    }
    if (cause instanceof TemporalFailure temporal) {
      return temporal.getOriginalMessage();
    }
    return String.valueOf(cause.getMessage());
  }

  /**
   * What went wrong with {@code subject} ("step 'x'", "compensation of step 'x'"): the activity's
   * own message when it names the subject already, else the message after "subject failed: ".
   */
  static String of(String subject, Throwable failure) {
    String described = describe(failure);
    return described.startsWith(subject + " ") ? described : subject + " failed: " + described;
  }

  /** A failure that ends the workflow with a readable message instead of retrying its task. */
  static ApplicationFailure fatal(String message, String type) {
    return ApplicationFailure.newNonRetryableFailure(message, type);
  }

  /**
   * Why a plan could not be loaded from or pushed to its target: no worker has the target (nobody
   * took the work off the target's queue in time), the worker refused (its own message and type:
   * a plan not pushed, an invalid plan), or the work kept failing (a timeout is not "not found").
   *
   * @param what what was tried, e.g. {@code load the plan}
   */
  static ApplicationFailure onTarget(ActivityFailure failure, String target, String what) {
    Throwable cause = failure.getCause();
    if (cause instanceof TimeoutFailure timeout && timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) {
      return fatal("no worker serves target '" + target + "': none took work off task queue "
          + TargetTaskQueue.of(target) + " within " + ActivityStubs.NO_WORKER_WAIT.toSeconds() + " s. Start `cutover "
          + "worker` with target '" + target + "' configured (or check the name), then try again; nothing was changed",
          "NoWorkerForTarget");
    }
    if (cause instanceof ApplicationFailure refused) {
      return fatal(refused.getOriginalMessage(), refused.getType());
    }
    return fatal("could not " + what + " on target '" + target + "': " + describe(failure)
        + "; nothing was changed, try again", "TargetUnavailable");
  }

  /**
   * Fails a workflow at once, before it starts anything, when its input is missing or has fields
   * of the wrong type. Behind a version: before it such an input failed the workflow task on every
   * retry (no payload, {@code null}) or ran with its values coerced.
   *
   * @param type the workflow type, as the Temporal UI shows it
   * @param unreadable what is wrong with the fields, or null
   * @param example an input to send instead
   */
  static void refuseUnusableStart(String type, boolean missing, String unreadable, String example) {
    if ((missing || unreadable != null)
        && Workflow.getVersion("start-input-checked", Workflow.DEFAULT_VERSION, 1) != Workflow.DEFAULT_VERSION) {
      throw fatal(missing
          ? "the " + type + " input is empty (no payload, empty data or null); nothing was started. Send e.g. " + example
          : unreadable + "; nothing was started", "InvalidInput");
    }
  }
}
