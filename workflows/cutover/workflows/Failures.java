package cutover.workflows;

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
