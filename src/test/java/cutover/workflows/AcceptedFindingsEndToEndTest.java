package cutover.workflows;

import static cutover.testing.CliRun.cutover;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.activities.Targets;
import cutover.starter.CutoverCli;
import cutover.testing.CliRun;
import cutover.testing.TestDatabase;
import cutover.worker.CutoverWorker;
import cutover.worker.DevEnvironment;
import cutover.worker.TemporalConnection;
import cutover.worker.TemporalDevServer;
import io.temporal.client.WorkflowClient;
import io.temporal.testserver.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Report-only, accepted and manual-task findings through the real activities, a real worker and
 * embedded PostgreSQL, driven by the CLI as a person would; the report says what was accepted.
 */
class AcceptedFindingsEndToEndTest {
  private static final String PLAN = """
      name: findings-e2e
      target: accepted
      phases:
        - name: checks
          steps:
            - id: orders-watched
              kind: check
              reportOnly: true
              query: SELECT id FROM orders WHERE customer_id IS NULL ORDER BY id
            - id: no-negative-totals
              kind: check
              query: SELECT id, total FROM orders WHERE total < 0 ORDER BY id
            - id: fix-emails
              kind: task
              instructions: give the customers without an email one in the CRM
              check:
                query: SELECT id FROM customers WHERE email IS NULL
            - id: mark-done
              kind: sql
              sql: CREATE TABLE cutover_done (at timestamptz DEFAULT now())
              compensate: DROP TABLE cutover_done
      """;

  @Test
  void aFailedCheckIsAcceptedATaskIsDoneTwiceAndTheReportShowsBoth(@TempDir Path dir) throws Exception {
    Targets.Target database = TestDatabase.newDatabase("accepted");
    execute(database, """
        CREATE TABLE orders (id int PRIMARY KEY, customer_id int, total numeric);
        INSERT INTO orders VALUES (1, 10, 5), (2, NULL, 7), (3, 11, -2);
        CREATE TABLE customers (id int PRIMARY KEY, email text);
        INSERT INTO customers VALUES (10, 'a@example.com'), (11, NULL);
        """);
    Path plan = dir.resolve("plan.yaml");
    Files.writeString(plan, PLAN);
    int port = TemporalDevServer.freePort();
    String address = "127.0.0.1:" + port;
    String run = "findings-1";
    try (Targets targets = Targets.of(List.of(database));
        TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true);
        TemporalConnection connection = TemporalConnection.open(address, "default");
        CutoverWorker worker = CutoverWorker.start(connection.client(), targets)) {
      DevEnvironment.registerSearchAttributes(address);
      WorkflowClient client = connection.client();
      ok(cutover("plan", "push", plan.toString(), "--address", address));
      ok(cutover("start", "findings-e2e", "--target", "accepted", "--id", run, "--as", "carol", "--address", address));

      PhaseStatus failed = CutoverWorkflowTest.awaitPhase(client, run + ".checks",
          s -> s.state() == RunState.FAILED_WAITING);
      assertTrue(failed.lastError().contains("check failed: 1 row found: (id=3, total=-2)"), failed.lastError());
      assertTrue(failed.steps().get(0).outcome().startsWith("report only, not failing: check failed: 1 row found: "
          + "(id=2)"), failed.steps().get(0).outcome());
      CliRun failedStatus = cutover("status", run, "--address", address);
      assertTrue(failedStatus.out().contains("findings known and acceptable? cutover accept findings-1 --step "
          + "no-negative-totals --address " + address + " --reason \"...\""), failedStatus.out());
      CliRun noReason = cutover("accept", run, "--step", "no-negative-totals", "--by", "alice", "--address", address);
      assertEquals(CutoverCli.BAD_INPUT, noReason.exitCode(), noReason.out());
      assertTrue(noReason.err().contains("Missing required option: '--reason=<reason>'"), noReason.err());
      CliRun wrongStep = cutover("accept", run, "--step", "orders-watched", "--reason", "fine", "--by", "alice",
          "--address", address);
      assertEquals(CutoverCli.FAILED, wrongStep.exitCode(), wrongStep.out());
      assertTrue(wrongStep.err().contains("refused: accept of 'orders-watched' by alice — step 'orders-watched' is not "
          + "the failed step; 'no-negative-totals' is"), wrongStep.err());
      CliRun accepted = cutover("accept", run, "--step", "no-negative-totals", "--reason", "refunds, ticket OPS-12",
          "--by", "alice", "--address", address);
      ok(accepted);
      assertTrue(accepted.out().contains("accept of 'no-negative-totals' by alice"), accepted.out());

      CutoverWorkflowTest.awaitPhase(client, run + ".checks", s -> s.state() == RunState.WAITING_APPROVAL);
      CliRun waiting = cutover("status", run, "--address", address);
      assertTrue(waiting.out().contains("≈ no-negative-totals"), waiting.out());
      assertTrue(waiting.out().contains("accepted by alice: refunds, ticket OPS-12 — step 'no-negative-totals' failed: "
          + "check failed: 1 row found: (id=3, total=-2)"), waiting.out());
      assertTrue(waiting.out().contains("task: give the customers without an email one in the CRM — when done: "
          + "cutover done findings-1 --step fix-emails"), waiting.out());
      assertTrue(waiting.out().contains("decision: accept no-negative-totals by alice (\"refunds, ticket OPS-12\")"),
          waiting.out());

      CliRun done = cutover("done", run, "--step", "fix-emails", "--by", "bob", "--address", address);
      ok(done);
      assertTrue(done.out().contains("done of 'fix-emails' by bob"), done.out());
      CutoverWorkflowTest.awaitPhase(client, run + ".checks",
          s -> s.steps().get(2).outcome() != null && s.steps().get(2).outcome().contains("its check failed"));
      CliRun stillWaiting = cutover("status", run, "--address", address);
      assertTrue(stillWaiting.out().contains("after the last done (by bob) its check failed: step 'fix-emails' failed: "
          + "check failed: 1 row found: (id=11)"), stillWaiting.out());
      execute(database, "UPDATE customers SET email = 'b@example.com' WHERE id = 11"); // the work, out of band
      ok(cutover("done", run, "--step", "fix-emails", "--by", "bob", "--comment", "fixed in the CRM",
          "--address", address));
      CutoverWorkflowTest.awaitPhase(client, run + ".checks", s -> s.state() == RunState.COMPLETED);

      Path json = dir.resolve("report.json");
      ok(cutover("report", run, "--format", "json", "-o", json.toString(), "--address", address));
      JsonNode report = new ObjectMapper().readTree(json.toFile());
      Map<String, JsonNode> steps = new HashMap<>();
      report.at("/phases/0/steps").forEach(s -> steps.put(s.get("id").asText(), s));
      assertEquals("completed", steps.get("orders-watched").get("status").asText());
      assertTrue(steps.get("orders-watched").get("outcome").asText().startsWith("report only, not failing"));
      assertEquals("accepted", steps.get("no-negative-totals").get("status").asText());
      assertTrue(steps.get("no-negative-totals").get("outcome").asText().startsWith("accepted by alice: refunds, "
          + "ticket OPS-12 — step 'no-negative-totals' failed: check failed: 1 row found: (id=3, total=-2)"),
          steps.get("no-negative-totals").toString());
      assertEquals("completed", steps.get("fix-emails").get("status").asText());
      assertEquals("done by bob (\"fixed in the CRM\"); its check holds at try 2",
          steps.get("fix-emails").get("outcome").asText());
      assertEquals("completed", report.at("/phases/0/status").asText());
      assertEquals(1, TestDatabase.count(database, "SELECT count(*) FROM cutover.decision WHERE decision = 'accept' "
          + "AND accepted AND decided_by = 'alice' AND comment = 'refunds, ticket OPS-12'"));
      assertEquals(2, TestDatabase.count(database, "SELECT count(*) FROM cutover.step_report WHERE step_id = 'fix-emails'"));
      CliRun html = cutover("report", run, "--address", address);
      assertTrue(html.out().contains("accepted by alice: refunds, ticket OPS-12"), "the HTML report too");
    }
  }

  private static void ok(CliRun run) {
    assertEquals(CutoverCli.OK, run.exitCode(), run.out() + run.err());
  }

  private static void execute(Targets.Target target, String sql) throws Exception {
    try (Connection connection = TestDatabase.connect(target); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
