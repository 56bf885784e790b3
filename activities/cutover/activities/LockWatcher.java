package cutover.activities;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;

import cutover.activities.SqlRunner.Blocker;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.ActivityWorkerShutdownException;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record5;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watcher of a {@link SqlRunner.Session}: a thread with a connection of its own that polls
 * {@code pg_blocking_pids} (and {@code pg_stat_activity}) for who blocks the running statement,
 * and heartbeats the Temporal activity; a cancellation reported by a heartbeat cancels the
 * statement.
 */
final class LockWatcher implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(LockWatcher.class);

  static final long POLL_MILLIS = 100;
  /** A unit of work is first looked at for blockers when it has run this long. */
  static final long FIRST_POLL_MILLIS = 100;
  static final long HEARTBEAT_MILLIS = 2000;
  static final int QUERY_CHARS = 200;

  private final DataSource dataSource;
  private final Targets targets;
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
