package cutover.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
