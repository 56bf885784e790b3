package cutover.activities;

import static org.jooq.impl.DSL.name;

import cutover.activities.steps.SqlTimeouts;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record3;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one executor of SQL with lock settings. A unit of work runs in one transaction on a
 * target, whose first statement sets {@code lock_timeout} and {@code statement_timeout} locally
 * ({@code set_config(..., true)}, never on the pooled session). When the work cannot get a lock
 * in time (SQLSTATE 55P03) the transaction is rolled back and the whole unit retried after a
 * capped, fully jittered exponential backoff, up to the step's {@code lockRetries}.
 *
 * <p>While the work runs (from {@value LockWatcher#FIRST_POLL_MILLIS} ms on), a {@link LockWatcher}
 * on another connection polls {@code pg_blocking_pids} every {@value LockWatcher#POLL_MILLIS} ms
 * and remembers who blocked it; the same watcher heartbeats the Temporal activity (when there is
 * one) every {@value LockWatcher#HEARTBEAT_MILLIS} ms. If Temporal reports the activity
 * cancelled, the watcher cancels the running statement.
 *
 * <p>Failures are {@link ApplicationFailure}s with redacted messages and no attached cause:
 * {@code LockTimeout} (retries exhausted, names the blockers), {@code StatementTimeout},
 * {@code StepFailed} (not retryable); connection-class errors and transaction conflicts are
 * retryable.
 */
public final class SqlRunner {
  private static final Logger log = LoggerFactory.getLogger(SqlRunner.class);

  public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(200);
  public static final Duration DEFAULT_BACKOFF_CAP = Duration.ofSeconds(5);

  /** A session seen blocking the work. No user name: that may be a credential. */
  public record Blocker(int pid, String applicationName, String state, long transactionMillis, String query) {

    /**
     * {@code pid 4242 (app 'x', idle in transaction, transaction open 1.5s)}: what Temporal may
     * carry. The session's SQL may hold anything (a literal secret): it stays in the ledger.
     */
    public String describe() {
      StringBuilder text = new StringBuilder("pid ").append(pid).append(" (app '")
          .append(applicationName == null ? "" : applicationName).append('\'');
      if (state != null && !state.isBlank()) {
        text.append(", ").append(state);
      }
      if (transactionMillis >= 0) {
        text.append(", transaction open ").append(seconds(transactionMillis));
      }
      return text.append(')').toString();
    }

    /** {@link #describe} and the session's SQL, truncated: for the ledger only. */
    public String describeWithQuery() {
      return describe() + (query == null || query.isBlank() ? "" : ": " + query.strip());
    }
  }

  /** Which attempt is running, and who has blocked the work so far (earlier attempts included). */
  public static final class Attempt {
    private final int number;
    private final java.util.function.Supplier<List<Blocker>> blockers;

    Attempt(int number, java.util.function.Supplier<List<Blocker>> blockers) {
      this.number = number;
      this.blockers = blockers;
    }

    public int number() {
      return number;
    }

    /** The blockers seen until now, this attempt's included. */
    public List<Blocker> blockers() {
      return blockers.get();
    }
  }

  /** A unit of work: runs inside the open transaction, which the runner commits when it returns. */
  @FunctionalInterface
  public interface Work<T> {
    T run(DSLContext transaction, Attempt attempt) throws Exception;
  }

  /** What the work returned, after how many attempts, and who blocked it on the way. */
  public record Result<T>(T value, int attempts, List<Blocker> blockers, long millis) {}

  private final Targets targets;
  private final Duration backoffBase;
  private final Duration backoffCap;

  public SqlRunner(Targets targets) {
    this(targets, DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_CAP);
  }

  /** With a shorter backoff, for tests. */
  public SqlRunner(Targets targets, Duration backoffBase, Duration backoffCap) {
    this.targets = Objects.requireNonNull(targets, "targets");
    this.backoffBase = Objects.requireNonNull(backoffBase, "backoffBase");
    this.backoffCap = Objects.requireNonNull(backoffCap, "backoffCap");
  }

  public Targets targets() {
    return targets;
  }

  /**
   * Runs the work in one transaction on the target, retrying on lock timeouts.
   *
   * @param stepId names the work in messages and heartbeats
   * @param action apply or compensate (compensation is named so in messages)
   */
  public <T> Result<T> run(String target, String stepId, StepAction action, SqlTimeouts settings, Work<T> work) {
    try (Session session = open(target, stepId, action)) {
      return session.run(settings, work);
    }
  }

  /**
   * Opens a session for work done as many transactions (a backfill's batches): one watcher
   * looks for blockers and heartbeats for all of them, with the progress the work reports.
   */
  public Session open(String target, String stepId, StepAction action) {
    DataSource dataSource = targets.dataSource(target);
    LockWatcher watcher = new LockWatcher(dataSource, targets, stepId, action, currentActivity());
    watcher.start();
    return new Session(dataSource, stepId, action, watcher);
  }

  /** Units of work of one step, run one after another under one watcher. Not thread-safe. */
  public final class Session implements AutoCloseable {
    private final DataSource dataSource;
    private final String subject;
    private final LockWatcher watcher;

    private Session(DataSource dataSource, String stepId, StepAction action, LockWatcher watcher) {
      this.dataSource = dataSource;
      this.subject = action == StepAction.COMPENSATE ? "compensation of step '" + stepId + "'" : "step '" + stepId + "'";
      this.watcher = watcher;
    }

    /** Runs the work in one transaction, retrying on lock timeouts; see {@link SqlRunner}. */
    public <T> Result<T> run(SqlTimeouts settings, Work<T> work) {
      long started = System.nanoTime();
      for (int attempt = 1; ; attempt++) {
        watcher.attempt(attempt);
        watcher.throwIfCancelled();
        try {
          T value = once(dataSource, settings, work, attempt, watcher);
          return new Result<>(value, attempt, watcher.blockers(), (System.nanoTime() - started) / 1_000_000);
        } catch (ApplicationFailure | ActivityCompletionException e) {
          throw e;
        } catch (Exception e) {
          watcher.throwIfCancelled();
          String state = SqlErrors.sqlState(e);
          if (SqlErrors.LOCK_NOT_AVAILABLE.equals(state)) {
            if (attempt <= settings.lockRetries()) {
              long pause = backoffMillis(attempt);
              log.info("{} could not get a lock within {} (attempt {}); retrying in {} ms",
                  subject, settings.lockTimeout(), attempt, pause);
              watcher.pause(pause);
              continue;
            }
            throw lockTimeout(subject, settings, attempt, watcher.blockers());
          }
          throw failure(subject, e);
        }
      }
    }

    /**
     * What the next heartbeats report besides liveness and blockers (null: nothing). The first
     * progress, and a change of state (paused, throttled, running), is sent at once.
     */
    public void progress(StepProgress progress) {
      watcher.progress(progress);
    }

    /** Sleeps between units of work while heartbeats go on; a cancellation ends it by throwing. */
    public void sleep(long millis) {
      if (millis > 0) {
        watcher.pause(millis);
      }
    }

    /** Throws when Temporal reported the activity cancelled. */
    public void throwIfCancelled() {
      watcher.throwIfCancelled();
    }

    public Targets targets() {
      return targets;
    }

    /** The target's pool, for small reads between units of work (outside their transactions). */
    public DataSource dataSource() {
      return dataSource;
    }

    @Override
    public void close() {
      watcher.stop();
    }
  }

  /**
   * "applied after 3 attempts; waited on pid ...", or "" when the first attempt went through
   * unblocked. Names the blockers without their SQL: it goes into Temporal.
   */
  public static String lockHistory(String verb, int attempts, List<Blocker> blockers) {
    List<String> parts = new ArrayList<>();
    if (attempts > 1) {
      parts.add(verb + " after " + attempts + " attempts");
    }
    if (!blockers.isEmpty()) {
      parts.add("waited on " + blockers.stream().map(Blocker::describe).collect(Collectors.joining("; ")));
    }
    return String.join("; ", parts);
  }

  private <T> T once(DataSource dataSource, SqlTimeouts settings, Work<T> work, int attempt, LockWatcher watcher)
      throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      boolean committed = false;
      try {
        DSLContext transaction = DSL.using(connection, SQLDialect.POSTGRES);
        Record3<String, String, Integer> setup = transaction
            .select(
                setConfig("lock_timeout", settings.lockTimeout()),
                setConfig("statement_timeout", settings.statementTimeout()),
                DSL.function(name("pg_backend_pid"), SQLDataType.INTEGER))
            .fetchOne();
        watcher.watch(setup.value3());
        T value;
        try {
          value = work.run(transaction, new Attempt(attempt, watcher::blockers));
        } finally {
          watcher.watch(null);
        }
        connection.commit();
        committed = true;
        return value;
      } finally {
        if (!committed) {
          try {
            connection.rollback();
          } catch (SQLException e) {
            log.debug("rollback failed", e);
          }
        }
      }
    }
  }

  private static Field<String> setConfig(String setting, Duration value) {
    long millis = Math.max(1, (value.toNanos() + 999_999) / 1_000_000);
    return DSL.function(name("set_config"), SQLDataType.VARCHAR,
        DSL.inline(setting), DSL.val(millis + "ms"), DSL.inline(true));
  }

  long backoffMillis(int attempt) {
    long base = Math.max(1, backoffBase.toMillis());
    long cap = Math.max(base, backoffCap.toMillis());
    long ceiling = attempt >= 31 ? cap : Math.min(cap, base << (attempt - 1));
    return ThreadLocalRandom.current().nextLong(ceiling + 1);
  }

  private ApplicationFailure lockTimeout(String subject, SqlTimeouts settings, int attempts, List<Blocker> blockers) {
    String who = blockers.isEmpty()
        ? "the blocking session was not seen (it may hold its lock only briefly)"
        : "blocked by " + blockers.stream().map(Blocker::describe).collect(Collectors.joining("; "));
    return ApplicationFailure.newNonRetryableFailure(
        targets.redact(subject + " could not get its locks within lock_timeout " + millis(settings.lockTimeout())
            + " in " + attempts + " attempts; " + who
            + ". End or wait for the blocking session, then retry the step."),
        "LockTimeout");
  }

  private ApplicationFailure failure(String subject, Exception error) {
    String state = SqlErrors.sqlState(error);
    String reason = SqlErrors.message(error) + (state == null ? "" : " (SQLSTATE " + state + ")");
    if (SqlErrors.isTransient(error)) {
      return ApplicationFailure.newFailure(
          targets.redact(subject + " was interrupted: " + reason), SqlErrors.transientType(error));
    }
    if (SqlErrors.QUERY_CANCELED.equals(state)) {
      return ApplicationFailure.newNonRetryableFailure(
          targets.redact(subject + " was stopped: " + reason), "StatementTimeout");
    }
    return ApplicationFailure.newNonRetryableFailure(targets.redact(subject + " failed: " + reason), "StepFailed");
  }

  private static ActivityExecutionContext currentActivity() {
    try {
      return Activity.getExecutionContext();
    } catch (RuntimeException notInAnActivity) {
      return null;
    }
  }

  static String seconds(long millis) {
    return millis < 1000 ? millis + "ms" : String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
  }

  private static String millis(Duration duration) {
    return seconds(duration.toMillis());
  }
}

