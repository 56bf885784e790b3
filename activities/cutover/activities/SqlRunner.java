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
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one executor of SQL with lock settings. A unit of work runs in one transaction on a
 * target, whose first statement sets {@code lock_timeout} and {@code statement_timeout} locally
 * ({@code set_config(..., true)}, never on the pooled session; a session's batches hold one
 * connection with them set for it, and reset it when they give it back). When the work cannot get a lock
 * in time (SQLSTATE 55P03) the transaction is rolled back and the whole unit retried after a
 * capped, fully jittered exponential backoff, for as long as the step's {@code lockRetryFor}
 * allows: each wait lasts at most {@code lock_timeout}, and no attempt starts once the budget is
 * spent, so a unit of work gives up within {@code lockRetryFor} plus one {@code lock_timeout}.
 * Each lock timeout is logged naming the sessions that blocked it (never their SQL).
 *
 * <p>While the work runs (from {@value LockWatcher#FIRST_POLL_MILLIS} ms on), a {@link LockWatcher}
 * on another connection polls {@code pg_blocking_pids} every {@value LockWatcher#POLL_MILLIS} ms
 * and remembers who blocked it; the same watcher heartbeats the Temporal activity (when there is
 * one) every {@value LockWatcher#HEARTBEAT_MILLIS} ms. If Temporal reports the activity
 * cancelled, the watcher cancels the running statement.
 *
 * <p>Failures are {@link ApplicationFailure}s with redacted messages and no attached cause:
 * {@code LockTimeout} (the budget spent; names the blockers and the budget), {@code StatementTimeout},
 * {@code StepFailed} (not retryable); connection-class errors and transaction conflicts are
 * retryable.
 */
public final class SqlRunner {
  private static final Logger log = LoggerFactory.getLogger(SqlRunner.class);

  public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(200);
  public static final Duration DEFAULT_BACKOFF_CAP = Duration.ofSeconds(5);

  /** Which attempt is running, and who has blocked the work so far (earlier attempts included). */
  public static final class Attempt {
    private final int number;
    private final LockWatcher watcher;

    Attempt(int number, LockWatcher watcher) {
      this.number = number;
      this.watcher = watcher;
    }

    public int number() {
      return number;
    }

    /** The blockers seen until now, this attempt's included; without their SQL. */
    public List<LockBlocker> blockers() {
      return watcher.blockers();
    }

    /**
     * The blockers' SQL, one line each ({@code pid 4242: SELECT ...}, each truncated to
     * {@value LockWatcher#QUERY_CHARS} characters), or null when none was seen: for the ledger
     * only, never for Temporal.
     */
    public String blockerSql() {
      Map<Integer, String> sql = watcher.blockerSql();
      String lines = watcher.blockers().stream()
          .filter(b -> sql.containsKey(b.pid()))
          .map(b -> "pid " + b.pid() + ": " + sql.get(b.pid()))
          .collect(Collectors.joining("\n"));
      return lines.isEmpty() ? null : lines;
    }
  }

  /** A unit of work: runs inside the open transaction, which the runner commits when it returns. */
  @FunctionalInterface
  public interface Work<T> {
    T run(DSLContext transaction, Attempt attempt) throws Exception;
  }

  /** What the work returned, after how many attempts, and who blocked it on the way. */
  public record Result<T>(T value, int attempts, List<LockBlocker> blockers, long millis) {}

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
    return open(target, stepId, action, null);
  }

  /** @param waveKey the key of a wave phase the step runs for, set in each transaction; null outside waves */
  public Session open(String target, String stepId, StepAction action, String waveKey) {
    DataSource dataSource = targets.dataSource(target);
    LockWatcher watcher = new LockWatcher(dataSource, targets, stepId, action, currentActivity());
    watcher.start();
    return new Session(target, dataSource, stepId, action, watcher, waveKey);
  }

  /** The setting a wave phase's SQL reads its key from: {@code current_setting('cutover.key')}. */
  public static final String WAVE_KEY_SETTING = "cutover.key";

  /** Sets the wave's key for the transaction only, as a bound value: never spliced into SQL. */
  public static void setWaveKey(DSLContext transaction, String waveKey) {
    if (waveKey != null) {
      transaction.select(DSL.function(name("set_config"), SQLDataType.VARCHAR,
          DSL.inline(WAVE_KEY_SETTING), DSL.val(waveKey), DSL.inline(true))).fetch();
    }
  }

  /** Units of work of one step, run one after another under one watcher. Not thread-safe. */
  public final class Session implements AutoCloseable {
    private final String target;
    private final DataSource dataSource;
    private final String subject;
    private final LockWatcher watcher;
    private final String waveKey;
    /** The connection the batches run on, its settings set for the session; null before the first and after a failure. */
    private Connection held;
    private SqlTimeouts heldSettings;
    private int heldPid;

    private Session(String target, DataSource dataSource, String stepId, StepAction action, LockWatcher watcher,
        String waveKey) {
      this.waveKey = waveKey;
      this.target = target;
      this.dataSource = dataSource;
      this.subject = action == StepAction.COMPENSATE ? "compensation of step '" + stepId + "'" : "step '" + stepId + "'";
      this.watcher = watcher;
    }

    /** Runs the work in one transaction, retrying on lock timeouts; see {@link SqlRunner}. */
    public <T> Result<T> run(SqlTimeouts settings, Work<T> work) {
      return run(settings, work, true);
    }

    /**
     * Runs one batch of many in one transaction whose commit does not wait for its WAL to reach
     * disk ({@code synchronous_commit = off}): a server crash can lose the last batches, each
     * together with the checkpoint it committed with, so the part redoes exactly those. The batch
     * that ends a part commits durably ({@link #commitDurably}), which flushes every earlier one
     * too. The batches run on one connection the session holds until it closes, with their
     * settings set for that connection once, not in each transaction.
     */
    public <T> Result<T> runBatch(SqlTimeouts settings, Work<T> work) {
      return run(settings, work, false);
    }

    private <T> Result<T> run(SqlTimeouts settings, Work<T> work, boolean durable) {
      long started = System.nanoTime();
      long budget = settings.lockRetryFor().toMillis();
      watcher.beginWork(budget);
      try {
        for (int attempt = 1; ; attempt++) {
          watcher.attempt(attempt);
          watcher.throwIfCancelled();
          try {
            T value = durable ? once(dataSource, settings, work, attempt, watcher, waveKey)
                : batchOnce(settings, work, attempt);
            if (attempt > 1) {
              log.info("{} got its locks at attempt {}, after {}", subject, attempt, seconds(elapsedMillis(started)));
              StepMetrics.lockWaitEnded(target, true, Duration.ofNanos(System.nanoTime() - started));
            }
            return new Result<>(value, attempt, watcher.blockers(), elapsedMillis(started));
          } catch (ApplicationFailure | ActivityCompletionException e) {
            throw e;
          } catch (Exception e) {
            watcher.throwIfCancelled();
            if (!SqlErrors.LOCK_NOT_AVAILABLE.equals(SqlErrors.sqlState(e))) {
              throw failure(subject, e);
            }
            watcher.lockTimedOut();
            long left = budget - elapsedMillis(started);
            List<LockBlocker> latest = watcher.latestBlockers();
            String who = blockedBy(latest);
            StepMetrics.lockTimedOut(target, left > 0);
            if (left <= 0) {
              log.warn("{} could not get a lock within lock_timeout {} (attempt {}), {}; lockRetryFor {} is spent",
                  subject, millis(settings.lockTimeout()), attempt, who, budget(settings.lockRetryFor()));
              StepMetrics.lockWaitEnded(target, false, Duration.ofNanos(System.nanoTime() - started));
              throw lockTimeout(subject, settings, attempt, elapsedMillis(started),
                  latest.isEmpty() ? watcher.blockers() : latest);
            }
            long pause = Math.min(backoffMillis(attempt), left);
            log.info("{} could not get a lock within lock_timeout {} (attempt {}), {}; retrying in {} ms, {} left of "
                + "lockRetryFor {}", subject, millis(settings.lockTimeout()), attempt, who, pause, seconds(left),
                budget(settings.lockRetryFor()));
            watcher.pause(pause);
          }
        }
      } finally {
        watcher.endWork();
      }
    }

    /**
     * One batch on the held connection: no statement for the settings (set for the session when
     * the connection was taken), so a batch costs a round trip less. A failure other than a lock
     * timeout gives the connection back (a dropped one is dropped by the pool); the next batch takes another.
     */
    private <T> T batchOnce(SqlTimeouts settings, Work<T> work, int attempt) throws Exception {
      Connection connection = held(settings);
      try {
        return watched(connection, DSL.using(connection, SQLDialect.POSTGRES), heldPid, work, attempt, watcher, waveKey);
      } catch (Throwable e) {
        if (SqlErrors.LOCK_NOT_AVAILABLE.equals(SqlErrors.sqlState(e))) {
          try {
            connection.rollback(); // kept for the retry
          } catch (SQLException gone) {
            release();
          }
        } else {
          release(); // rolls back
        }
        throw e;
      }
    }

    /** The held connection with the batches' settings for the session (in a transaction of their own, committed). */
    private Connection held(SqlTimeouts settings) throws SQLException {
      if (held != null && settings.equals(heldSettings)) {
        return held;
      }
      if (held == null) {
        held = dataSource.getConnection();
        heldSettings = null;
      }
      try {
        held.setAutoCommit(false);
        Field<Integer> pid = DSL.function(name("pg_backend_pid"), SQLDataType.INTEGER);
        heldPid = DSL.using(held, SQLDialect.POSTGRES).select(sessionSetting("lock_timeout", settings.lockTimeout()),
            sessionSetting("statement_timeout", settings.statementTimeout()),
            DSL.function(name("set_config"), SQLDataType.VARCHAR, DSL.inline("synchronous_commit"), DSL.inline("off"),
                DSL.inline(false)), pid).fetchOne(pid); // durable commits ask for theirs: commitDurably
        held.commit();
        heldSettings = settings;
        return held;
      } catch (SQLException | RuntimeException e) {
        release();
        throw e;
      }
    }

    /**
     * Gives the held connection back to the pool with the settings it had before (RESET, committed);
     * one that cannot be reset is evicted from the pool, never handed out with a batch's settings.
     */
    private void release() {
      Connection connection = held;
      held = null;
      heldSettings = null;
      if (connection == null) {
        return;
      }
      try (connection) {
        try {
          connection.rollback();
          try (java.sql.Statement reset = connection.createStatement()) {
            reset.execute("RESET lock_timeout; RESET statement_timeout; RESET synchronous_commit");
          }
          connection.commit();
        } catch (SQLException e) {
          log.debug("{}: a batch connection could not be reset; evicting it", subject, e);
          evict(connection);
        }
      } catch (SQLException e) {
        log.debug("closing a batch connection failed", e);
      }
    }

    private void evict(Connection connection) {
      try {
        if (dataSource.isWrapperFor(com.zaxxer.hikari.HikariDataSource.class)) {
          dataSource.unwrap(com.zaxxer.hikari.HikariDataSource.class).evictConnection(connection);
        }
      } catch (SQLException e) {
        log.debug("evicting a batch connection failed", e);
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
      release();
      watcher.stop();
    }
  }

  /**
   * "applied after 3 attempts; waited on pid ...", or "" when the first attempt went through
   * unblocked. Names the blockers without their SQL: it goes into Temporal.
   */
  public static String lockHistory(String verb, int attempts, List<LockBlocker> blockers) {
    List<String> parts = new ArrayList<>();
    if (attempts > 1) {
      parts.add(verb + " after " + attempts + " attempts");
    }
    if (!blockers.isEmpty()) {
      parts.add("waited on " + names(blockers));
    }
    return String.join("; ", parts);
  }

  /** The blockers' descriptions, without their SQL. */
  public static String names(List<LockBlocker> blockers) {
    return blockers.stream().map(LockBlocker::describe).collect(Collectors.joining("; "));
  }

  private static String blockedBy(List<LockBlocker> blockers) {
    return blockers.isEmpty() ? "the blocking session was not seen" : "blocked by " + names(blockers);
  }

  private <T> T once(DataSource dataSource, SqlTimeouts settings, Work<T> work, int attempt, LockWatcher watcher,
      String waveKey) throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      boolean committed = false;
      try {
        DSLContext transaction = DSL.using(connection, SQLDialect.POSTGRES);
        Field<Integer> pid = DSL.function(name("pg_backend_pid"), SQLDataType.INTEGER);
        Integer backend = transaction.select(setConfig("lock_timeout", settings.lockTimeout()),
            setConfig("statement_timeout", settings.statementTimeout()), pid).fetchOne(pid);
        T value = watched(connection, transaction, backend, work, attempt, watcher, waveKey);
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

  /** The work in the transaction open on the connection (server process {@code pid}, watched meanwhile), committed. */
  private static <T> T watched(Connection connection, DSLContext transaction, Integer pid, Work<T> work, int attempt,
      LockWatcher watcher, String waveKey) throws Exception {
    watcher.watch(pid);
    setWaveKey(transaction, waveKey);
    T value;
    try {
      value = work.run(transaction, new Attempt(attempt, watcher));
    } finally {
      watcher.watch(null);
    }
    connection.commit();
    return value;
  }

  /** Makes the commit of a {@link Session#runBatch} transaction wait for its WAL to reach disk, as others do. */
  public static void commitDurably(DSLContext transaction) {
    transaction.execute("SET LOCAL synchronous_commit TO DEFAULT"); // the session's own, e.g. remote_apply
  }

  /** {@code set_config(setting, 'Nms', true)}: for the transaction only (rehearsals set theirs so too). */
  public static Field<String> setConfig(String setting, Duration value) {
    return setConfig(setting, value, true);
  }

  private static Field<String> setConfig(String setting, Duration value, boolean local) {
    long millis = Math.max(1, (value.toNanos() + 999_999) / 1_000_000);
    return DSL.function(name("set_config"), SQLDataType.VARCHAR,
        DSL.inline(setting), DSL.val(millis + "ms"), DSL.inline(local));
  }

  /** {@code set_config(setting, 'Nms', false)}: for the session, on the connection a session's batches hold. */
  private static Field<String> sessionSetting(String setting, Duration value) {
    return setConfig(setting, value, false);
  }

  long backoffMillis(int attempt) {
    long base = Math.max(1, backoffBase.toMillis());
    long cap = Math.max(base, backoffCap.toMillis());
    long ceiling = attempt >= 31 ? cap : Math.min(cap, base << (attempt - 1));
    return ThreadLocalRandom.current().nextLong(ceiling + 1);
  }

  private ApplicationFailure lockTimeout(String subject, SqlTimeouts settings, int attempts, long millis,
      List<LockBlocker> blockers) {
    String who = blockers.isEmpty()
        ? "the blocking session was not seen (it may hold its lock only briefly)"
        : "blocked by " + names(blockers);
    return ApplicationFailure.newNonRetryableFailure(
        targets.redact(subject + " could not get its locks within lockRetryFor " + budget(settings.lockRetryFor())
            + " (" + attempts + " attempts over " + seconds(millis) + ", each waiting up to lock_timeout "
            + millis(settings.lockTimeout()) + "); " + who
            + ". End or wait for the blocking session, then retry the step; or give it a longer lockRetryFor."),
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

  /** 480ms, 12.3s, then 4m 59s and 2h 5m: a wait or a transaction's age as a person reads it. */
  public static String seconds(long millis) {
    if (millis < 1000) {
      return millis + "ms";
    }
    return millis < 120_000 ? String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0)
        : StepProgress.duration(millis / 1000);
  }

  private static String millis(Duration duration) {
    return seconds(duration.toMillis());
  }

  /** A budget as a plan writes it: 3s, 5m, 1h 30m; sub-second ones in ms. */
  static String budget(Duration duration) {
    long millis = duration.toMillis();
    return millis % 1000 != 0 ? seconds(millis) : StepProgress.duration(millis / 1000);
  }

  private static long elapsedMillis(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }
}

