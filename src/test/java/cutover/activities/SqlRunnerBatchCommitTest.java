package cutover.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.steps.SqlTimeouts;
import cutover.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A backfill's batches commit without waiting for their WAL ({@code synchronous_commit = off}
 * for the batch's transaction only); the batch that ends a part commits as the session's own
 * setting says, and other units of work are not touched.
 */
class SqlRunnerBatchCommitTest {

  @Test
  void aBatchCommitsAsynchronouslyUnlessItAsksToCommitDurably() throws Exception {
    Targets.Target target = TestDatabase.newDatabase("batchcommit");
    String database = target.jdbcUrl().substring(target.jdbcUrl().lastIndexOf('/') + 1);
    try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement()) {
      // a setting other than on: "durably" must mean the session's own, not on
      s.execute("ALTER DATABASE \"" + database + "\" SET synchronous_commit = remote_apply");
    }
    try (Targets targets = Targets.of(List.of(target));
        SqlRunner.Session session = new SqlRunner(targets).open(target.name(), "batch", StepAction.APPLY)) {
      SqlRunner.Work<String> setting = (tx, attempt) -> tx.fetchValue(
          org.jooq.impl.DSL.field("current_setting('synchronous_commit')", String.class));
      assertEquals("off", session.runBatch(SqlTimeouts.DEFAULTS, setting).value());
      assertEquals("remote_apply", session.runBatch(SqlTimeouts.DEFAULTS, (tx, attempt) -> {
        SqlRunner.commitDurably(tx);
        return setting.run(tx, attempt);
      }).value());
      assertEquals("remote_apply", session.run(SqlTimeouts.DEFAULTS, setting).value());
      // the pooled connection kept nothing of the batch
      assertEquals("remote_apply", session.run(SqlTimeouts.DEFAULTS, setting).value());
    }
  }

  /**
   * The batches hold one connection with their settings set for it: set once, the same backend
   * batch after batch, a dropped one replaced at the next batch, and every connection the pool
   * hands out afterwards as it was.
   */
  @Test
  void theBatchesHoldOneConnectionAndGiveItBackAsItWas() throws Exception {
    Targets.Target target = TestDatabase.newDatabase("batchheld");
    try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement()) {
      s.execute("ALTER DATABASE \"" + target.jdbcUrl().substring(target.jdbcUrl().lastIndexOf('/') + 1)
          + "\" SET synchronous_commit = remote_apply"); // not the embedded server's off: the reset must show
    }
    SqlTimeouts timeouts = new SqlTimeouts(java.time.Duration.ofMillis(1234), java.time.Duration.ofMinutes(7), null);
    SqlRunner.Work<String> seen = (tx, attempt) -> tx.fetchValue(org.jooq.impl.DSL.field(
        "pg_backend_pid() || ' ' || current_setting('lock_timeout') || ' ' || current_setting('statement_timeout')"
            + " || ' ' || current_setting('synchronous_commit')", String.class));
    try (Targets targets = Targets.of(List.of(target))) {
      SqlRunner runner = new SqlRunner(targets);
      String pooled;
      try (Connection c = targets.dataSource(target.name()).getConnection()) {
        pooled = settings(c);
      }
      try (SqlRunner.Session session = runner.open(target.name(), "batch", StepAction.APPLY)) {
        String first = session.runBatch(timeouts, seen).value();
        String second = session.runBatch(timeouts, seen).value();
        assertEquals(first, second, "the same connection, the same settings");
        String pid = first.substring(0, first.indexOf(' '));
        assertEquals(pid + " 1234ms 7min off", first);
        assertTrue(pooled.endsWith(" remote_apply"), pooled);
        try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement()) {
          s.execute("SELECT pg_terminate_backend(" + pid + ")");
        }
        assertThrows(io.temporal.failure.ApplicationFailure.class, () -> session.runBatch(timeouts, seen));
        String after = session.runBatch(timeouts, seen).value();
        assertTrue(!after.startsWith(pid + " ") && after.endsWith(" 1234ms 7min off"), after);
      }
      // every connection of the pool: taken together, so the one the batches held is among them
      List<Connection> all = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          Connection c = targets.dataSource(target.name()).getConnection();
          all.add(c);
          assertEquals(pooled, settings(c), "pool connection " + i);
        }
      } finally {
        for (Connection c : all) {
          c.close();
        }
      }
    }
  }

  private static String settings(Connection c) throws java.sql.SQLException {
    try (Statement s = c.createStatement(); java.sql.ResultSet r = s.executeQuery("SELECT current_setting('lock_timeout')"
        + " || ' ' || current_setting('statement_timeout') || ' ' || current_setting('synchronous_commit')")) {
      r.next();
      return r.getString(1);
    }
  }
}
