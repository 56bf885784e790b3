package cutover.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.FilterReply;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class UnreachableServerTest {
  private static final Throwable GONE = Status.UNAVAILABLE.withDescription("io exception").asRuntimeException();
  private final LoggerContext context = new LoggerContext();
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final UnreachableServer filter = new UnreachableServer(now::get);
  private final ListAppender<ILoggingEvent> said = new ListAppender<>();
  private ch.qos.logback.classic.Logger workerLog;

  @BeforeEach
  void listen() {
    workerLog = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(CutoverWorker.class);
    said.start();
    workerLog.addAppender(said);
  }

  @AfterEach
  void stopListening() {
    workerLog.detachAppender(said);
  }

  /** As SLF4J hands it to the filter: a message with a parameter takes its error as the last one, not as t. */
  private FilterReply decide(String logger, String message, Throwable error) {
    return message.contains("{}")
        ? filter.decide(null, context.getLogger(logger), Level.WARN, message, new Object[] {"Workflow Poller", error}, null)
        : filter.decide(null, context.getLogger(logger), Level.WARN, message, null, error);
  }

  @Test
  void aServerThatIsGoneIsOneLineAMinuteNotAStackTracePerPoll() {
    for (int i = 0; i < 1_000; i++) {
      assertEquals(FilterReply.DENY, decide(UnreachableServer.POLLER_LOGGER, UnreachableServer.POLL_FAILED, GONE));
    }
    now.addAndGet(UnreachableServer.SAY_EVERY_MILLIS - 1);
    decide(UnreachableServer.POLLER_LOGGER, UnreachableServer.POLL_FAILED, GONE);
    assertEquals(1, said.list.size());
    assertEquals("cannot reach the Temporal server (UNAVAILABLE: io exception): the worker polls again until it answers"
        + " (said at most once a minute)", said.list.get(0).getFormattedMessage());
    now.addAndGet(1);
    decide(UnreachableServer.POLLER_LOGGER, UnreachableServer.POLL_FAILED, GONE);
    assertEquals(2, said.list.size());
  }

  @Test
  void aStoppingWorkersCallToAServerThatIsGoneIsDroppedItsOtherWarningsPass() {
    assertEquals(FilterReply.DENY, decide(UnreachableServer.SHUTDOWN_LOGGER, UnreachableServer.SHUTDOWN_FAILED, GONE));
    assertEquals(FilterReply.NEUTRAL, decide(UnreachableServer.SHUTDOWN_LOGGER, UnreachableServer.SHUTDOWN_FAILED,
        Status.PERMISSION_DENIED.asRuntimeException()));
    assertEquals(FilterReply.NEUTRAL, decide(UnreachableServer.POLLER_LOGGER, UnreachableServer.POLL_FAILED,
        Status.PERMISSION_DENIED.asRuntimeException()));
    assertEquals(FilterReply.NEUTRAL, decide(UnreachableServer.SHUTDOWN_LOGGER,
        "Wait for a graceful shutdown of {} timed out, fallback to shutdownNow()", null));
    assertEquals(FilterReply.NEUTRAL, decide("cutover.worker.CutoverWorker", UnreachableServer.POLL_FAILED, GONE));
    assertEquals(0, said.list.size());
  }
}
