package cutover.starter;

import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;

/** The readable message inside a client-side Temporal failure. */
final class Failures {
  private Failures() {}

  static String message(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    if (cause instanceof TemporalFailure temporal) {
      return temporal.getOriginalMessage();
    }
    return String.valueOf(cause.getMessage());
  }
}
