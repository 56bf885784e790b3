package cutover.activities;

import cutover.activities.steps.SqlTimeouts;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a step makes on a target other than its own (the source of a copy between targets, a
 * side of a parity): each unit of work is one {@code READ ONLY}, {@code REPEATABLE READ}
 * transaction (one snapshot for all its statements) with the step's {@code lock_timeout} and
 * {@code statement_timeout} set locally. The other target's ledger is never touched.
 *
 * <p>Failures are {@link ApplicationFailure}s with redacted messages: {@code UnknownTarget} (not
 * retryable) when the worker does not know the target, retryable ones for connection-class
 * errors, {@code StepFailed} otherwise.
 */
public final class OtherTargetReads {
  private static final Logger log = LoggerFactory.getLogger(OtherTargetReads.class);

  /** A unit of reads on the other target, in its transaction. */
  @FunctionalInterface
  public interface Reads<T> {
    T run(DSLContext read) throws Exception;
  }

  /**
   * A failure of the writes that a unit of reads feeds (a copy's destination, written while the
   * source streams): passed through as it is, not taken for a failure of the reads.
   */
  public static final class WriteFailure extends RuntimeException {
    public WriteFailure(Exception cause) {
      super(cause.getMessage(), cause);
    }
  }

  private final Targets targets;
  private final String target;
  private final String stepTarget;
  private final String stepId;

  /**
   * @param target the target read
   * @param stepTarget the step's own target (the one whose workers run it), for messages
   */
  public OtherTargetReads(Targets targets, String target, String stepTarget, String stepId) {
    this.targets = Objects.requireNonNull(targets, "targets");
    this.target = Objects.requireNonNull(target, "target");
    this.stepTarget = stepTarget;
    this.stepId = stepId;
  }

  public String target() {
    return target;
  }

  /** Fails readably (naming the target, never its URL) unless this worker knows the target. */
  public void requireKnown() {
    if (!targets.knows(target)) {
      throw ApplicationFailure.newNonRetryableFailure("step '" + stepId + "' reads from target '" + target
          + "', which this worker does not know (it knows: " + (targets.names().isEmpty() ? "none"
              : String.join(", ", targets.names())) + "). Configure '" + target + "' on the workers of target '"
          + stepTarget + "' too (CUTOVER_TARGET_" + target.toUpperCase(java.util.Locale.ROOT).replace('-', '_')
          + "_URL, or " + target + ".url in the targets file; a read-only user is enough), then retry the step",
          "UnknownTarget");
    }
  }

  /** Runs the reads in one read-only transaction of their own on the other target. */
  public <T> T read(SqlTimeouts settings, Reads<T> reads) {
    requireKnown();
    DataSource dataSource = targets.readingDataSource(target);
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      boolean committed = false;
      try {
        try (Statement setup = connection.createStatement()) {
          setup.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        }
        DSLContext read = DSL.using(connection, SQLDialect.POSTGRES);
        read.select(SqlRunner.setConfig("lock_timeout", settings.lockTimeout()),
            SqlRunner.setConfig("statement_timeout", settings.statementTimeout())).fetchOne();
        T value = reads.run(read);
        connection.commit();
        committed = true;
        return value;
      } finally {
        if (!committed) {
          try {
            connection.rollback();
          } catch (SQLException e) {
            log.debug("rollback on target {} failed", target, e);
          }
        }
      }
    } catch (ApplicationFailure | ActivityCompletionException | WriteFailure e) {
      throw e;
    } catch (Exception e) {
      throw failure(e);
    }
  }

  private ApplicationFailure failure(Exception error) {
    String state = SqlErrors.sqlState(error);
    String reason = SqlErrors.message(error) + (state == null ? "" : " (SQLSTATE " + state + ")");
    String subject = "step '" + stepId + "' reading from target '" + target + "'";
    if (SqlErrors.isTransient(error)) {
      return ApplicationFailure.newFailure(targets.redact(subject + " was interrupted: " + reason),
          SqlErrors.transientType(error));
    }
    if (SqlErrors.LOCK_NOT_AVAILABLE.equals(state)) {
      return ApplicationFailure.newFailure(targets.redact(subject + " could not get a lock in time: " + reason),
          "LockTimeout");
    }
    if (SqlErrors.QUERY_CANCELED.equals(state)) {
      return ApplicationFailure.newNonRetryableFailure(targets.redact(subject + " was stopped: " + reason),
          "StatementTimeout");
    }
    return ApplicationFailure.newNonRetryableFailure(targets.redact(subject + " failed: " + reason), "StepFailed");
  }
}
