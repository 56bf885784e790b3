package cutover.starter.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pieces of the lock scenarios: a table the step locks ({@value #TABLE}), the step's retry
 * budget, a session that blocks the step, and a write load at a fixed rate on the same table.
 * Blocker and writers put a marker literal into their SQL text, which must never reach Temporal.
 */
final class LockBlockers {
  static final String TABLE = "faults_lock";
  static final int ROWS = 1000;
  static final String BLOCKER_APPLICATION = "cutover-bench-faults-blocker";

  private LockBlockers() {}

  /**
   * The lock retry budget of the scenarios' step, the one place it is set: the plan fields that
   * give it and the least and most total time they allow (the backoff is jittered).
   */
  record LockBudget(Duration lockTimeout, Duration lockRetryFor) {
    static final LockBudget OF_THE_SUITE = new LockBudget(Duration.ofMillis(300), Duration.ofSeconds(3));

    /** The step's fields, in a plan's YAML, each line starting with {@code indent}. */
    String planFields(String indent) {
      return indent + "lockTimeout: " + lockTimeout.toMillis() + "ms\n" + indent + "lockRetryFor: "
          + lockRetryFor.toMillis() + "ms\n";
    }

    /** The step tries for its whole lockRetryFor before it gives up. */
    Duration least() {
      return lockRetryFor;
    }

    /** An attempt started just before the budget ran out waits at most one lock_timeout more. */
    Duration most() {
      return lockRetryFor.plus(lockTimeout);
    }
  }

  /** The table, {@value #ROWS} rows with a counter at 0. */
  static void createTable(FaultTarget target) throws SQLException {
    target.execute("DROP TABLE IF EXISTS " + TABLE + "; CREATE TABLE " + TABLE
        + " (id integer PRIMARY KEY, n bigint NOT NULL DEFAULT 0, note text);"
        + " INSERT INTO " + TABLE + " (id, note) SELECT g, 'row ' || g FROM generate_series(1, " + ROWS + ") g");
  }

  /** A plan of one phase whose one step adds a column to the table, with the suite's budget. */
  static String plan(String planName, String target, String column) {
    return "name: " + planName + "\ntarget: " + target + "\nphases:\n  - name: lock\n    steps:\n"
        + "      - id: add-" + column.replace('_', '-') + "\n        kind: sql\n"
        + "        description: Adds a column to " + TABLE + ", which takes ACCESS EXCLUSIVE on it.\n"
        + "        sql: ALTER TABLE " + TABLE + " ADD COLUMN " + column + " integer\n"
        + "        compensate: ALTER TABLE " + TABLE + " DROP COLUMN IF EXISTS " + column + "\n"
        + LockBudget.OF_THE_SUITE.planFields("        ");
  }

  /**
   * A session holding ACCESS SHARE on the table (an open transaction that read it), which the
   * step's ALTER TABLE waits for; its query carries the marker.
   */
  static final class Blocker implements AutoCloseable {
    private final Connection session;

    Blocker(FaultTarget target, String marker) throws SQLException {
      session = target.connect(BLOCKER_APPLICATION);
      session.setAutoCommit(false);
      try (Statement s = session.createStatement()) {
        s.execute("SELECT count(*) FROM " + TABLE + " WHERE note <> '" + marker + "'");
      }
    }

    /** Ends the transaction, so the step gets its lock. */
    @Override
    public void close() throws SQLException {
      session.rollback();
      session.close();
    }
  }

  /**
   * Single-row UPDATEs of the table at a fixed rate, each its own transaction, by a few threads.
   * Latency is measured from when a write was due, so a stall counts for every write behind it.
   */
  static final class FixedRateWriter implements AutoCloseable {
    private static final int THREADS = 4;

    private final FaultTarget target;
    private final int rate;
    private final String marker;
    private final long startNanos = System.nanoTime();
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final long[] latencies = new long[1 << 20];
    private final AtomicLong recorded = new AtomicLong();

    FixedRateWriter(FaultTarget target, int rate, String marker) {
      this.target = target;
      this.rate = rate;
      this.marker = marker;
      for (int i = 0; i < THREADS; i++) {
        Thread thread = new Thread(this::write, "faults-writer-" + i);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
      }
    }

    private void write() {
      try (Connection c = target.connect(FaultTarget.SUITE_APPLICATION);
          PreparedStatement update = c.prepareStatement(
              "/* " + marker + " */ UPDATE " + TABLE + " SET n = n + 1 WHERE id = ?")) {
        while (!stopped.get()) {
          long op = next.getAndIncrement();
          long due = startNanos + op * 1_000_000_000L / rate;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
          if (stopped.get()) {
            break;
          }
          update.setInt(1, 1 + ThreadLocalRandom.current().nextInt(ROWS));
          try {
            if (update.executeUpdate() == 1) {
              written.incrementAndGet();
            }
          } catch (SQLException e) {
            failed.incrementAndGet();
          }
          long index = recorded.getAndIncrement();
          if (index < latencies.length) {
            latencies[(int) index] = System.nanoTime() - due;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (SQLException e) {
        failed.incrementAndGet();
      }
    }

    /** Stops the writers; their latencies and how many writes were committed and refused. */
    Latencies stop() throws InterruptedException {
      stopped.set(true);
      for (Thread thread : threads) {
        thread.join(30_000);
      }
      int n = (int) Math.min(recorded.get(), latencies.length);
      long[] sorted = Arrays.copyOf(latencies, n);
      Arrays.sort(sorted);
      return n == 0 ? new Latencies(0, 0, 0, 0, failed.get())
          : new Latencies(written.get(), sorted[(int) Math.ceil(0.99 * n) - 1] / 1e6, sorted[n - 1] / 1e9, n,
              failed.get());
    }

    @Override
    public void close() throws InterruptedException {
      if (!stopped.get()) {
        stop();
      }
    }
  }

  /** @param written committed writes, each adding 1 to one row's n */
  record Latencies(long written, double p99Millis, double maxStallSeconds, long attempted, long failed) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%,d writes committed (%,d refused), latency p99 %.1f ms, longest stall %.2f s",
          written, failed, p99Millis, maxStallSeconds);
    }
  }

  /** A marker literal unique to this suite run. */
  static String marker(String what) {
    return "faults-" + what + "-" + UUID.randomUUID();
  }
}
