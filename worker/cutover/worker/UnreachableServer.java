package cutover.worker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * The SDK's warnings of a Temporal server that does not answer, each with a gRPC stack trace:
 * every poller's failed poll (a thousand lines in the first second the server is gone), and a
 * stopping worker's failed call to tell it. The polls' become one line at most once a
 * {@link #SAY_EVERY_MILLIS}; the stop's is said by {@link CutoverWorker#close()}. The SDK's
 * other warnings, and these for another status, pass as they are.
 */
public final class UnreachableServer extends TurboFilter {
  static final String POLLER_LOGGER = "io.temporal.internal.worker.BasePoller";
  static final String POLL_FAILED = "Failure in poller thread {}";
  static final String SHUTDOWN_LOGGER = "io.temporal.internal.worker.ShutdownManager";
  static final String SHUTDOWN_FAILED = "failed to call shutdown worker";
  static final long SAY_EVERY_MILLIS = 60_000;
  private static final org.slf4j.Logger log = LoggerFactory.getLogger(CutoverWorker.class);

  private final LongSupplier clock;
  /** When the last line was said (the clock's millis), or Long.MIN_VALUE. */
  private final AtomicLong said = new AtomicLong(Long.MIN_VALUE);

  public UnreachableServer() {
    this(System::currentTimeMillis);
  }

  UnreachableServer(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    // "... {}", name, error: SLF4J passes the error as the last parameter, not as t
    Throwable error = t != null ? t
        : params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last ? last : null;
    if (error == null || format == null) {
      return FilterReply.NEUTRAL;
    }
    Status status = Status.fromThrowable(error);
    if (status.getCode() != Status.Code.UNAVAILABLE) {
      return FilterReply.NEUTRAL;
    }
    String name = logger.getName();
    if (SHUTDOWN_LOGGER.equals(name) && SHUTDOWN_FAILED.equals(format)) {
      return FilterReply.DENY;
    }
    if (POLLER_LOGGER.equals(name) && POLL_FAILED.equals(format)) {
      long now = clock.getAsLong();
      long last = said.get();
      if ((last == Long.MIN_VALUE || now - last >= SAY_EVERY_MILLIS) && said.compareAndSet(last, now)) {
        log.warn("cannot reach the Temporal server (UNAVAILABLE: {}): the worker polls again until it answers"
            + " (said at most once a minute)", status.getDescription());
      }
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }
}
