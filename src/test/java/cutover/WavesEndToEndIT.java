package cutover;

import static cutover.CutoverEndToEndIT.await;
import static cutover.CutoverEndToEndIT.count;
import static cutover.CutoverEndToEndIT.startWorker;
import static org.junit.jupiter.api.Assertions.assertEquals;

import cutover.activities.Targets;
import cutover.testing.TestDatabase;
import cutover.worker.DevEnvironment;
import cutover.worker.TemporalConnection;
import cutover.worker.TemporalDevServer;
import cutover.workflows.PhaseResult;
import cutover.workflows.RunState;
import io.temporal.client.WorkflowClient;
import io.temporal.testserver.TestServer;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A tenant wave whose worker process is killed with {@code kill -9} while keys are running: a new
 * worker takes the wave over, each key's step is applied exactly once (its effect commits with its
 * ledger row), and the keys done before the kill are not run again.
 */
class WavesEndToEndIT {
  static final int TENANTS = 12;

  @Test
  void aWaveSurvivesAKillOfItsWorkerWithEveryKeyAppliedOnce() throws Exception {
    Targets.Target database = TestDatabase.newDatabase("demo");
    try (Connection c = TestDatabase.connect(database); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE tenants (tenant text PRIMARY KEY)");
      s.execute("INSERT INTO tenants SELECT 't' || lpad(g::text, 2, '0') FROM generate_series(1, " + TENANTS + ") g");
      s.execute("CREATE TABLE marks (tenant text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())");
    }
    String plan = """
        name: waves-e2e
        target: demo
        phases:
          - name: per-tenant
            waves:
              keys: "SELECT tenant FROM tenants ORDER BY 1"
              canary: 1
              size: 4
              concurrency: 2
            steps:
              - id: mark
                kind: sql
                sql: |
                  SELECT pg_sleep(0.7);
                  INSERT INTO marks (tenant) VALUES (current_setting('cutover.key'))
                compensate: DELETE FROM marks WHERE tenant = current_setting('cutover.key')
        """;
    int port = TemporalDevServer.freePort();
    String address = "127.0.0.1:" + port;
    try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true);
        TemporalConnection connection = TemporalConnection.open(address, "default")) {
      DevEnvironment.registerSearchAttributes(address);
      Process worker = startWorker(address, database, 31);
      WorkflowClient client = connection.client();
      try {
        String run = BackfillEndToEndIT.startPhase(client, plan, "waves-e2e", "per-tenant");

        await("some keys done before the kill", Duration.ofSeconds(90), () -> marks(database) >= 3);
        worker.destroyForcibly().waitFor();
        long before = marks(database);
        System.out.printf("waves e2e: kill -9 with %d of %d keys marked%n", before, TENANTS);
        worker = startWorker(address, database, 32);

        PhaseResult result = BackfillEndToEndIT.phaseResult(client, run);
        assertEquals(RunState.COMPLETED, result.state());
        assertEquals((long) TENANTS, marks(database), "every key marked");
        assertEquals((long) TENANTS, count(database, "SELECT 'x', count(DISTINCT tenant) FROM marks").get("x"),
            "no key marked twice");
        assertEquals((long) TENANTS, count(database, "SELECT 'x', count(*) FROM cutover.step WHERE action = 'apply'"
            + " AND step_id LIKE 'mark[%'").get("x"), "one ledger row per key");
      } finally {
        worker.destroyForcibly().waitFor();
      }
    }
  }

  static long marks(Targets.Target database) {
    return count(database, "SELECT 'x', count(*) FROM marks").getOrDefault("x", 0L);
  }
}
