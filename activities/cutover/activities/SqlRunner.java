package cutover.activities;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;

import cutover.activities.steps.SqlTimeouts;
import cutover.plan.PlanStep;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.ActivityWorkerShutdownException;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record3;
import org.jooq.Record5;
import org.jooq.SQLDialect;
import org.jooq.Table;
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
 * <p>While the work runs (from {@value #FIRST_POLL_MILLIS} ms on), a watcher on another connection
 * polls {@code pg_blocking_pids} every {@value #POLL_MILLIS} ms and remembers who blocked it;
 * the same watcher heartbeats the Temporal activity (when there is one) every
 * {@value #HEARTBEAT_MILLIS} ms. If Temporal reports the
 * activity cancelled, the watcher cancels the running statement.
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
  static final long POLL_MILLIS = 100;
  /** A unit of work is first looked at for blockers when it has run this long. */
  static final long FIRST_POLL_MILLIS = 100;
  static final long HEARTBEAT_MILLIS = 2000;
  static final int QUERY_CHARS = 200;

  /** The lock settings of one unit of work. */
  public record Settings(Duration lockTimeout, Duration statementTimeout, int lockRetries) {
    public Settings {
      Objects.requireNonNull(lockTimeout, "lockTimeout");
      Objects.requireNonNull(statementTimeout, "statementTimeout");
      if (lockRetries < 0) {
        throw new IllegalArgumentException("lockRetries must not be negative");
      }
    }

    /** The step's {@code lockTimeout}, {@code statementTimeout} and {@code lockRetries}, or the defaults. */
    public static Settings of(PlanStep step) {
      return step.spec() instanceof SqlTimeouts timeouts ? of(timeouts)
          : new Settings(SqlTimeouts.DEFAULT_LOCK_TIMEOUT, SqlTimeouts.DEFAULT_STATEMENT_TIMEOUT,
              SqlTimeouts.DEFAULT_LOCK_RETRIES);
    }

    public static Settings of(SqlTimeouts timeouts) {
      return new Settings(timeouts.lockTimeout(), timeouts.statementTimeout(), timeouts.lockRetries());
    }
  }

  /** A session seen blocking the work. No user name: that may be a credential. */
  public record Blocker(int pid, String applicationName, String state, long transactionMillis, String query) {

    /** {@code pid 4242 (app 'x', idle in transaction, transaction open 1.5s): LOCK TABLE ...} */
    public String describe() {
      StringBuilder text = new StringBuilder("pid ").append(pid).append(" (app '")
          .append(applicationName == null ? "" : applicationName).append('\'');
      if (state != null && !state.isBlank()) {
        text.append(", ").append(state);
      }
      if (transactionMillis >= 0) {
        text.append(", transaction open ").append(seconds(transactionMillis));
      }
      text.append(')');
      if (query != null && !query.isBlank()) {
        text.append(": ").append(query.strip());
      }
      return text.toString();
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
  public <T> Result<T> run(String target, String stepId, StepAction action, Settings settings, Work<T> work) {
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
    Watcher watcher = new Watcher(dataSource, stepId, action, currentActivity());
    watcher.start();
    return new Session(dataSource, stepId, action, watcher);
  }

  /** Units of work of one step, run one after another under one watcher. Not thread-safe. */
  public final class Session implements AutoCloseable {
    private final DataSource dataSource;
    private final String subject;
    private final Watcher watcher;

    private Session(DataSource dataSource, String stepId, StepAction action, Watcher watcher) {
      this.dataSource = dataSource;
      this.subject = action == StepAction.COMPENSATE ? "compensation of step '" + stepId + "'" : "step '" + stepId + "'";
      this.watcher = watcher;
    }

    /** Runs the work in one transaction, retrying on lock timeouts; see {@link SqlRunner}. */
    public <T> Result<T> run(Settings settings, Work<T> work) {
      long started = System.nanoTime();
      for (int attempt = 1; ; attempt++) {
        watcher.attempt = attempt;
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
      StepProgress before = watcher.progress;
      watcher.progress = progress;
      if (progress != null && (before == null || !java.util.Objects.equals(before.state(), progress.state()))) {
        watcher.heartbeatSoon();
      }
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

  /** "applied after 3 attempts; waited on pid ...", or "" when the first attempt went through unblocked. */
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

  private <T> T once(DataSource dataSource, Settings settings, Work<T> work, int attempt, Watcher watcher)
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

  private ApplicationFailure lockTimeout(String subject, Settings settings, int attempts, List<Blocker> blockers) {
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

  /** Polls who blocks the running statement, and heartbeats; one thread per unit of work. */
  private final class Watcher implements Runnable {
    private final DataSource dataSource;
    private final String stepId;
    private final StepAction action;
    private final ActivityExecutionContext activity;
    private final Thread thread;
    private final Object wake = new Object();
    private final Map<Integer, Blocker> seen = new LinkedHashMap<>();
    private volatile Integer pid;
    private volatile long watchedSince;
    private volatile int attempt;
    private volatile boolean stopped;
    private volatile List<Integer> current = List.of();
    private volatile ActivityCompletionException completion;
    private volatile StepProgress progress;
    private volatile boolean heartbeatSoon;
    private Connection connection;
    private long lastHeartbeat = Long.MIN_VALUE;

    Watcher(DataSource dataSource, String stepId, StepAction action, ActivityExecutionContext activity) {
      this.dataSource = dataSource;
      this.stepId = stepId;
      this.action = action;
      this.activity = activity;
      this.thread = new Thread(this, "cutover-watch-" + stepId);
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    void watch(Integer backendPid) {
      watchedSince = System.nanoTime();
      pid = backendPid;
      if (backendPid == null) {
        current = List.of();
      } else {
        synchronized (wake) {
          wake.notifyAll();
        }
      }
    }

    List<Blocker> blockers() {
      synchronized (seen) {
        return List.copyOf(seen.values());
      }
    }

    void throwIfCancelled() {
      ActivityCompletionException e = completion;
      if (e != null) {
        throw e;
      }
    }

    /** Sleeps between attempts; a cancellation reported by a heartbeat ends the pause. */
    void pause(long millis) {
      long until = System.nanoTime() + millis * 1_000_000;
      synchronized (wake) {
        long left;
        while ((left = until - System.nanoTime()) > 0 && completion == null) {
          try {
            wake.wait(Math.max(1, left / 1_000_000));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApplicationFailure.newFailure("step '" + stepId + "' was interrupted", "Interrupted");
          }
        }
      }
      throwIfCancelled();
    }

    void heartbeatSoon() {
      heartbeatSoon = true;
      synchronized (wake) {
        wake.notifyAll();
      }
    }

    void stop() {
      stopped = true;
      synchronized (wake) {
        wake.notifyAll();
      }
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void run() {
      try {
        openConnection();
        while (!stopped) {
          Integer watched = pid;
          long watchedFor = System.nanoTime() - watchedSince;
          // work that ends within FIRST_POLL_MILLIS (a backfill's batches) is never looked at:
          // pg_blocking_pids briefly locks the lock manager, too costly to run for every batch
          boolean early = watchedFor < FIRST_POLL_MILLIS * 1_000_000;
          if (watched != null && !early) {
            poll(watched);
          }
          heartbeat();
          synchronized (wake) {
            if (!stopped) {
              wake.wait(watched != null && early
                  ? Math.max(1, FIRST_POLL_MILLIS - watchedFor / 1_000_000) : POLL_MILLIS);
            }
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        closeConnection();
      }
    }

    private void openConnection() {
      if (connection != null) {
        return;
      }
      try {
        connection = dataSource.getConnection();
        connection.setAutoCommit(true);
      } catch (SQLException | RuntimeException e) {
        log.debug("no connection to watch step {}: {}", stepId, targets.redact(e.getMessage()));
        closeConnection();
      }
    }

    private void poll(int watched) {
      try {
        openConnection();
        if (connection == null) {
          return;
        }
        DSLContext sql = DSL.using(connection, SQLDialect.POSTGRES);
        Table<?> activityView = DSL.table(name("pg_catalog", "pg_stat_activity")).as("a");
        Field<Integer> blockerPid = field(name("a", "pid"), SQLDataType.INTEGER);
        Field<String> application = field(name("a", "application_name"), SQLDataType.VARCHAR);
        Field<String> state = field(name("a", "state"), SQLDataType.VARCHAR);
        Field<OffsetDateTime> transactionStart = field(name("a", "xact_start"), SQLDataType.TIMESTAMPWITHTIMEZONE);
        Field<Long> transactionMillis = DSL.field(
            "(extract(epoch from (clock_timestamp() - {0})) * 1000)::bigint", SQLDataType.BIGINT, transactionStart);
        Field<String> query = field(name("a", "query"), SQLDataType.VARCHAR);
        List<Record5<Integer, String, String, Long, String>> rows = sql
            .select(blockerPid, application, state, transactionMillis, DSL.left(query, QUERY_CHARS))
            .from(activityView)
            .where(blockerPid.eq(DSL.any(
                DSL.function(name("pg_blocking_pids"), SQLDataType.INTEGER.array(), DSL.val(watched)))))
            .orderBy(blockerPid)
            .queryTimeout(5)
            .fetch();
        if (!Objects.equals(pid, watched)) {
          return; // the attempt ended while we looked
        }
        List<Integer> pids = new ArrayList<>();
        synchronized (seen) {
          for (Record5<Integer, String, String, Long, String> row : rows) {
            Blocker blocker = new Blocker(row.value1(), targets.redact(row.value2()), row.value3(),
                row.value4() == null ? -1 : row.value4(), targets.redact(row.value5()));
            seen.put(blocker.pid(), blocker);
            pids.add(blocker.pid());
          }
        }
        current = List.copyOf(pids);
      } catch (RuntimeException e) {
        log.debug("could not look for blockers of step {}: {}", stepId, targets.redact(e.getMessage()));
        closeConnection();
      }
    }

    private void heartbeat() {
      if (activity == null || completion != null) {
        return;
      }
      long now = System.nanoTime();
      if (lastHeartbeat != Long.MIN_VALUE && now - lastHeartbeat < HEARTBEAT_MILLIS * 1_000_000 && !heartbeatSoon) {
        return;
      }
      heartbeatSoon = false;
      lastHeartbeat = now;
      List<Integer> pids = pid == null ? List.of() : current;
      try {
        activity.heartbeat(new StepHeartbeat(stepId, action, attempt, !pids.isEmpty(), pids, progress));
      } catch (ActivityWorkerShutdownException e) {
        log.info("worker shutting down while step {} runs; letting it finish", stepId);
      } catch (ActivityCompletionException e) {
        completion = e;
        log.info("step {} was cancelled in Temporal; cancelling its statement", stepId);
        cancelStatement();
        synchronized (wake) {
          wake.notifyAll();
        }
      } catch (RuntimeException e) {
        log.debug("heartbeat of step {} failed: {}", stepId, e.toString());
      }
    }

    private void cancelStatement() {
      Integer watched = pid;
      if (watched == null) {
        return;
      }
      try {
        openConnection();
        if (connection == null) {
          return;
        }
        DSL.using(connection, SQLDialect.POSTGRES)
            .select(DSL.function(name("pg_cancel_backend"), SQLDataType.BOOLEAN, DSL.val(watched)))
            .fetch();
      } catch (RuntimeException e) {
        log.warn("could not cancel the statement of step {}: {}", stepId, targets.redact(e.getMessage()));
      }
    }

    private void closeConnection() {
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException ignored) {
          // the pool discards it
        }
        connection = null;
      }
    }
  }
}
