package cutover.workflows;

import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;

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
}
