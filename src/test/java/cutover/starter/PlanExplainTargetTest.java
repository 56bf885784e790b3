package cutover.starter;

import static cutover.testing.CliRun.cutover;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.activities.Targets;
import cutover.testing.CliRun;
import cutover.testing.TestDatabase;
import cutover.worker.CutoverWorker;
import cutover.worker.DevEnvironment;
import cutover.worker.TemporalConnection;
import cutover.worker.TemporalDevServer;
import io.temporal.testserver.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan explain --target}: the CLI asks the target's worker (Java's test server and the real
 * worker here) and shows the target's row estimates; the answer holds no connection detail.
 */
class PlanExplainTargetTest {
  private static TestServer.PortBoundTestServer server;
  private static TemporalConnection connection;
  private static Targets.Target database;
  private static Targets targets;
  private static CutoverWorker worker;
  private static String address;

  @BeforeAll
  static void startWorker() throws Exception {
    database = TestDatabase.newDatabase("demo");
    try (Connection c = TestDatabase.connect(database); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders (id int PRIMARY KEY, status text)");
      s.execute("INSERT INTO orders SELECT g, CASE WHEN g % 4 = 0 THEN 'closed' ELSE 'open' END"
          + " FROM generate_series(1, 8000) g");
      s.execute("CREATE TABLE orders_archive (id int, status text)");
      s.execute("ANALYZE");
    }
    targets = Targets.of(List.of(database));
    int port = TemporalDevServer.freePort();
    address = "127.0.0.1:" + port;
    server = TestServer.createPortBoundServer(port, true);
    connection = TemporalConnection.open(address, "default");
    DevEnvironment.registerSearchAttributes(address);
    worker = CutoverWorker.start(connection.client(), targets);
  }

  @AfterAll
  static void stop() throws Exception {
    if (worker != null) {
      worker.close();
    }
    if (connection != null) {
      connection.close();
    }
    if (server != null) {
      server.close();
    }
    if (targets != null) {
      targets.close();
    }
  }

  @Test
  void explainReadsTheTargetThroughItsWorker(@TempDir Path dir) throws Exception {
    Path plan = Files.writeString(dir.resolve("plan.yaml"), """
        name: archive
        target: demo
        phases:
          - name: copy
            steps:
              - id: copy-closed
                kind: backfill
                from: orders
                key: [id]
                where: status = 'closed'
                into: orders_archive
                columns: {id: id, status: status}
        """);
    CliRun run = cutover("plan", "explain", plan.toString(), "--target", "demo", "--address", address, "--output", "json");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode explanation = new ObjectMapper().readTree(run.out());
    assertEquals("demo", explanation.get("target").asText());
    JsonNode copy = explanation.get("phases").get(0).get("steps").get(0);
    long rows = copy.get("rows").get("rows").asLong();
    assertTrue(rows > 1600 && rows < 2400, "closed orders estimated " + rows);
    assertEquals("no measured rate", copy.get("time").asText());
    assertFalse(run.out().contains(TestDatabase.password()), "no secret in the answer");
    assertFalse(run.out().contains("jdbc:"), "no connection detail in the answer");

    CliRun table = cutover("plan", "explain", plan.toString(), "--target", "demo", "--address", address);
    assertEquals(0, table.exitCode(), table.err());
    assertTrue(table.out().contains("rows      " + String.format(java.util.Locale.ROOT, "%,d", rows)), table.out());
  }

  /** A plan pushed before lint existed, with an error no step acknowledges: a new run of it is refused. */
  @Test
  void startRefusesAPlanWithLintErrors() throws Exception {
    String renames = """
        name: renames
        target: demo
        phases:
          - name: one
            steps:
              - id: rename
                kind: sql
                sql: ALTER TABLE orders RENAME COLUMN status TO state
                compensate: ALTER TABLE orders RENAME COLUMN state TO status
        """;
    new cutover.activities.Plans(targets.dsl("demo")).savePlan("renames", cutover.plan.PlanParser.hash(renames), renames,
        "renames.yaml", "before-lint");
    CliRun run = cutover("start", "renames", "--target", "demo", "--address", address, "--id", "renames-1");
    assertEquals(2, run.exitCode(), run.out() + run.err());
    assertTrue(run.err().contains("[rename-in-one-step]"), run.err());
    assertTrue(run.err().contains("nothing was started"), run.err());
    try (Connection c = TestDatabase.connect(database); Statement s = c.createStatement();
        java.sql.ResultSet columns = s.executeQuery("SELECT count(*) FROM information_schema.columns"
            + " WHERE table_name = 'orders' AND column_name = 'status'")) {
      columns.next();
      assertEquals(1, columns.getInt(1), "the rename did not run");
    }
  }
}
