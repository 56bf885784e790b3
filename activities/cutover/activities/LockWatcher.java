package cutover.activities;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;

import io.temporal.client.ActivityCompletionException;
import io.temporal.client.ActivityWorkerShutdownException;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watcher of a {@link SqlRunner.Session}: a thread with a connection of its own that polls
 * {@code pg_blocking_pids} (with {@code pg_stat_activity} and {@code pg_locks}) for who blocks the
 * running statement, and heartbeats the Temporal activity, with the blockers while a unit of work
 * retries lock timeouts; a cancellation reported by a heartbeat cancels the statement. The
 * blockers' SQL is kept apart ({@link #blockerSql}), for the ledger only.
 */
final class LockWatcher implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(LockWatcher.class);

  static final long POLL_MILLIS = 100;
  /** A unit of work is first looked at for blockers when it has run this long. */
  static final long FIRST_POLL_MILLIS = 100;
  static final long HEARTBEAT_MILLIS = 2000;
  /** How much of a blocker's SQL the ledger keeps. */
  static final int QUERY_CHARS = 2000;

  private final DataSource dataSource;
  private final Targets targets;
  private final String stepId;
  private final StepAction action;
  private final ActivityExecutionContext activity;
  private final Thread thread;
  private final Object wake = new Object();
  /** Every session that blocked the session's work, as last seen; guarded by itself. */
  private final Map<Integer, LockBlocker> seen = new LinkedHashMap<>();
  /** Their SQL, truncated and redacted: for the ledger only. Guarded by {@link #seen}. */
  private final Map<Integer, String> sql = new LinkedHashMap<>();
  /** When each blocker of the current unit of work was first seen blocking it (its attempt's start). Guarded by {@link #seen}. */
  private final Map<Integer, Long> blockingSince = new HashMap<>();
  /** The blockers of the current unit of work's latest attempt that had any. Guarded by {@link #seen}. */
  private List<Integer> latest = List.of();
  private volatile Integer pid;
  private volatile long watchedSince;
  private volatile int attempt;
  private volatile boolean stopped;
  private volatile List<Integer> current = List.of();
  private volatile ActivityCompletionException completion;
  private volatile StepProgress progress;
  private volatile boolean heartbeatSoon;
  /** Counts units of work, so that a look that outlasts its unit is not taken for the next one's. Guarded by {@link #seen}. */
  private long unit;
  /** The current unit of work: when it began (nanoTime) and its lock retry budget; 0 between units. */
  private volatile long workStarted;
  private volatile long lockRetryForMillis;
  /** When the current unit of work first waited for a lock (nanoTime), or 0. */
  private volatile long waitingSince;
  /** When the latest attempt began (nanoTime). */
  private volatile long attemptStarted;
  private Connection connection;
  private long lastHeartbeat = Long.MIN_VALUE;

  /** @param targets redacts what the watcher logs and reports */
  LockWatcher(DataSource dataSource, Targets targets, String stepId, StepAction action,
      ActivityExecutionContext activity) {
    this.dataSource = dataSource;
    this.targets = targets;
    this.stepId = stepId;
    this.action = action;
    this.activity = activity;
    this.thread = new Thread(this, "cutover-watch-" + stepId);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** A unit of work begins: its lock waits are counted, and its blockers named, from here. */
  void beginWork(long lockRetryForMillis) {
    synchronized (seen) {
      unit++;
      blockingSince.clear();
      latest = List.of();
    }
    this.lockRetryForMillis = lockRetryForMillis;
    waitingSince = 0;
    workStarted = System.nanoTime();
  }

  /**
   * The latest attempt timed out waiting for a lock: the unit of work has waited since it began,
   * whether or not its blockers were seen (an attempt can end before the first look).
   */
  void lockTimedOut() {
    if (waitingSince == 0) {
      waitingSince = attemptStarted;
      heartbeatSoon();
    }
  }

  /** The unit of work ended (done or given up): the heartbeats report no lock wait. */
  void endWork() {
    workStarted = 0;
    waitingSince = 0;
    synchronized (seen) {
      unit++;
      latest = List.of();
    }
  }

  /** The attempt the next heartbeats report. */
  void attempt(int number) {
    attempt = number;
  }

  /** See {@link SqlRunner.Session#progress}: a first progress or a change of state is sent at once. */
  void progress(StepProgress next) {
    StepProgress before = progress;
    progress = next;
    if (next != null && (before == null || !Objects.equals(before.state(), next.state()))) {
      heartbeatSoon();
    }
  }

  /** The backend running the unit of work (null: none now). */
  void watch(Integer backendPid) {
    watchedSince = System.nanoTime();
    if (backendPid != null) {
      attemptStarted = watchedSince;
    }
    pid = backendPid;
    if (backendPid == null) {
      current = List.of();
    } else {
      synchronized (wake) {
        wake.notifyAll();
      }
    }
  }

  /** Every session that blocked the session's work so far, as last seen. */
  List<LockBlocker> blockers() {
    synchronized (seen) {
      return List.copyOf(seen.values());
    }
  }

  /** The sessions blocking the current unit of work's latest blocked attempt, blocking until now. */
  List<LockBlocker> latestBlockers() {
    long now = System.nanoTime();
    synchronized (seen) {
      List<LockBlocker> found = new ArrayList<>();
      for (Integer blocker : latest) {
        LockBlocker known = seen.get(blocker);
        Long since = blockingSince.get(blocker);
        if (known != null) {
          found.add(since == null ? known : known.blockingFor((now - since) / 1_000_000));
        }
      }
      return found;
    }
  }

  /** The blockers' SQL by pid, truncated to {@value #QUERY_CHARS} characters and redacted: for the ledger only. */
  Map<Integer, String> blockerSql() {
    synchronized (seen) {
      return Map.copyOf(sql);
    }
  }

  /** How long the current unit of work has waited on blockers (from its first blocked attempt), or 0. */
  long waitingMillis() {
    long since = waitingSince;
    return since == 0 ? 0 : (System.nanoTime() - since) / 1_000_000;
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

  private void heartbeatSoon() {
    heartbeatSoon = true;
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  /** Ends the thread, and closes its connection. */
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
      long unitPolled;
      synchronized (seen) {
        unitPolled = unit;
      }
      long attempt = watchedSince;
      List<? extends Record> rows = blockersOf(DSL.using(connection, SQLDialect.POSTGRES), watched);
      boolean attemptGoesOn = Objects.equals(pid, watched);
      // blocking since the unit of work first waited (attempts that ended before a look included), else this attempt
      long firstWait = waitingSince != 0 ? waitingSince : attempt;
      List<Integer> pids = new ArrayList<>();
      synchronized (seen) {
        if (unit != unitPolled) {
          return; // the unit of work ended while we looked (a first look on a cold worker can take a second)
        }
        for (Record row : rows) {
          int blocker = row.get(BLOCKER_PID);
          long since = blockingSince.computeIfAbsent(blocker, p -> firstWait);
          Long transaction = row.get(TRANSACTION_MILLIS);
          seen.put(blocker, new LockBlocker(blocker, targets.redact(row.get(APPLICATION)),
              targets.redact(row.get(USER)), row.get(STATE), row.get(LOCK_MODE), row.get(LOCK_GRANTED),
              targets.redact(row.get(LOCKED_OBJECT)), (System.nanoTime() - since) / 1_000_000,
              transaction == null ? -1 : transaction));
          String text = row.get(QUERY);
          if (text != null && !text.isBlank()) {
            sql.put(blocker, targets.redact(text.strip()));
          }
          pids.add(blocker);
        }
        if (!pids.isEmpty()) {
          boolean first = latest.isEmpty();
          latest = List.copyOf(pids);
          if (workStarted != 0 && waitingSince == 0) {
            waitingSince = attempt;
          }
          if (first) {
            heartbeatSoon = true;
          }
        }
      }
      if (attemptGoesOn) {
        current = List.copyOf(pids);
      }
    } catch (RuntimeException e) {
      log.debug("could not look for blockers of step {}: {}", stepId, targets.redact(e.getMessage()));
      closeConnection();
    }
  }

  private static final Field<Integer> BLOCKER_PID = field(name("a", "pid"), SQLDataType.INTEGER);
  private static final Field<String> APPLICATION = field(name("a", "application_name"), SQLDataType.VARCHAR);
  private static final Field<String> USER = field(name("a", "usename"), SQLDataType.VARCHAR);
  private static final Field<String> STATE = field(name("a", "state"), SQLDataType.VARCHAR);
  private static final Field<Long> TRANSACTION_MILLIS = DSL.field(
      "(extract(epoch from (clock_timestamp() - {0})) * 1000)::bigint", SQLDataType.BIGINT,
      field(name("a", "xact_start"), SQLDataType.TIMESTAMPWITHTIMEZONE)).as("transaction_millis");
  private static final Field<String> QUERY = DSL.left(field(name("a", "query"), SQLDataType.VARCHAR), QUERY_CHARS)
      .as("query");
  private static final Field<String> LOCK_MODE = field(name("l", "mode"), SQLDataType.VARCHAR);
  private static final Field<Boolean> LOCK_GRANTED = field(name("l", "granted"), SQLDataType.BOOLEAN);
  private static final Field<String> LOCKED_OBJECT = field(name("l", "locked_object"), SQLDataType.VARCHAR);
  /** The columns of pg_locks that together name what a lock is on. */
  private static final String[] LOCK_TARGET = {
      "locktype", "database", "relation", "page", "tuple", "virtualxid", "transactionid", "classid", "objid", "objsubid"};

  /**
   * Who blocks the backend (pg_blocking_pids), with each one's activity and its lock on what the
   * backend waits for: held, or queued ahead of it.
   */
  private static List<? extends Record> blockersOf(DSLContext sql, int watched) {
    Table<?> activityView = DSL.table(name("pg_catalog", "pg_stat_activity")).as("a");
    Table<?> waiting = DSL.table(name("pg_catalog", "pg_locks")).as("w");
    Table<?> holding = DSL.table(name("pg_catalog", "pg_locks")).as("h");
    org.jooq.Condition sameTarget = DSL.noCondition();
    for (String column : LOCK_TARGET) {
      sameTarget = sameTarget.and(field(name("h", column)).isNotDistinctFrom(field(name("w", column))));
    }
    Field<String> lockType = field(name("h", "locktype"), SQLDataType.VARCHAR);
    Field<String> lockedObject = DSL
        .when(lockType.eq(DSL.inline("relation")),
            DSL.field("{0}::regclass::text", SQLDataType.VARCHAR, field(name("h", "relation"))))
        .when(lockType.eq(DSL.inline("transactionid")), DSL.inline("a row it changed or locked"))
        .when(lockType.eq(DSL.inline("virtualxid")), DSL.inline("its transaction"))
        .else_(lockType);
    Table<?> lock = DSL.lateral(DSL
        .select(field(name("h", "mode"), SQLDataType.VARCHAR).as("mode"),
            field(name("h", "granted"), SQLDataType.BOOLEAN).as("granted"), lockedObject.as("locked_object"))
        .from(waiting)
        .join(holding).on(sameTarget.and(field(name("h", "pid"), SQLDataType.INTEGER).eq(BLOCKER_PID)))
        .where(field(name("w", "pid"), SQLDataType.INTEGER).eq(DSL.val(watched)))
        .and(field(name("w", "granted"), SQLDataType.BOOLEAN).isFalse())
        .orderBy(field(name("h", "granted"), SQLDataType.BOOLEAN).desc())
        .limit(DSL.inline(1))).as("l");
    return sql
        .select(BLOCKER_PID, APPLICATION, USER, STATE, TRANSACTION_MILLIS, LOCK_MODE, LOCK_GRANTED, LOCKED_OBJECT, QUERY)
        .from(activityView)
        .leftJoin(lock).on(DSL.trueCondition())
        .where(BLOCKER_PID.eq(DSL.any(
            DSL.function(name("pg_blocking_pids"), SQLDataType.INTEGER.array(), DSL.val(watched)))))
        .orderBy(BLOCKER_PID)
        .queryTimeout(5)
        .fetch();
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
      activity.heartbeat(new StepHeartbeat(stepId, action, attempt, !pids.isEmpty(), pids, progress, lockWait()));
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

  /** While the unit of work has been blocked: who blocked its latest attempt, and for how long against its budget. */
  private LockWait lockWait() {
    if (workStarted == 0 || waitingSince == 0) {
      return null;
    }
    return new LockWait(latestBlockers(), attempt, waitingMillis(), lockRetryForMillis);
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
