package cutover.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.starter.CutoverCli;
import cutover.testing.CliRun;
import cutover.testing.TestDatabase;
import cutover.worker.CutoverWorker;
import cutover.worker.DevEnvironment;
import cutover.worker.TemporalConnection;
import cutover.worker.TemporalDevServer;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.PlanPushWorkflow;
import io.temporal.client.WorkflowOptions;
import io.temporal.testserver.TestServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code start --rehearse} on an embedded PostgreSQL: the schema and the data are as before, each
 * statement is timed with the locks it took, a statement that fails (or waits past its
 * lockTimeout) is reported and the rest goes on, the steps that cannot be rehearsed are named
 * with the reason, and the ledger has no row of it.
 */
class RehearsalTest {
  private static final String PLAN = """
      name: rehearse-me
      target: rehearsed
      phases:
        - name: change
          steps:
            - id: add-column
              kind: sql
              sql: ALTER TABLE accounts ADD COLUMN note text; UPDATE accounts SET note = 'x' WHERE id <= 2
              compensate: ALTER TABLE accounts DROP COLUMN note
              lockTimeout: 300ms
            - id: index-concurrently
              kind: sql
              sql: CREATE INDEX CONCURRENTLY accounts_note ON accounts (note)
              compensate: DROP INDEX CONCURRENTLY accounts_note
              lint: {allow: [concurrently-in-transaction], because: "the rehearsal must name a step it cannot rehearse"}
            - id: new-table
              kind: sql
              sql: CREATE TABLE audit (id int PRIMARY KEY)
              compensate: DROP TABLE audit
            - id: go
              kind: approval
              approvers: [alice]
        - name: copy
          steps:
            - id: copy-audit
              kind: backfill
              from: accounts
              key: [id]
              into: audit
              columns: {id: id}
      """;

  private static Targets.Target database() throws Exception {
    Targets.Target target = TestDatabase.newDatabase("rehearsed");
    try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE accounts (id int PRIMARY KEY, name text)");
      s.execute("INSERT INTO accounts SELECT g, 'n' || g FROM generate_series(1, 5) g");
    }
    return target;
  }

  @Test
  void rehearsesTheSqlStepsAndLeavesNothingBehind() throws Exception {
    Targets.Target target = database();
    try (Targets targets = Targets.of(List.of(target))) {
      assertEquals(List.of(), new PlanActivitiesImpl(targets)
          .push(new PlanPushRequest(PLAN + BROKEN, "plan.yaml", null, "tester")).problems());
      String before = schema(target);
      Rehearsal r = new RehearsalActivitiesImpl(targets).rehearse(new RehearsalRequest("rehearse-me", null, "rehearsed",
          null, "tester"));

      assertEquals(before, schema(target), "the schema and the data are as before");
      assertEquals(0, TestDatabase.count(target, "SELECT count(*) FROM cutover.step"), "no ledger row claims a step");
      assertEquals(0, TestDatabase.count(target, "SELECT count(*) FROM cutover.run"), "no run");
      assertEquals(List.of("change", "copy"), r.phases());

      Rehearsal.StepRehearsal add = step(r, "add-column");
      assertTrue(add.rehearsed());
      assertEquals(2, add.statements().size(), "split as the driver splits it");
      Rehearsal.StatementRehearsal alter = add.statements().get(0);
      assertEquals("ALTER TABLE accounts ADD COLUMN note text", alter.sql());
      assertTrue(alter.millis() > 0, "timed to a hundredth of a millisecond: " + alter.millis());
      assertNull(alter.error());
      assertTrue(alter.locks().contains(new Rehearsal.HeldLock("AccessExclusiveLock", "public.accounts", true)),
          alter.locks().toString());
      Rehearsal.StatementRehearsal update = add.statements().get(1);
      assertEquals(2L, update.rows());
      assertTrue(update.locks().contains(new Rehearsal.HeldLock("RowExclusiveLock", "public.accounts", true)),
          "the UPDATE's own lock, beside the one the ALTER still holds: " + update.locks());

      Rehearsal.StepRehearsal concurrently = step(r, "index-concurrently");
      assertFalse(concurrently.rehearsed());
      assertTrue(concurrently.reason().contains("cannot run inside a transaction block"), concurrently.reason());

      Rehearsal.StepRehearsal table = step(r, "new-table");
      assertTrue(table.rehearsed() && table.statements().get(0).error() == null, table.toString());
      assertTrue(table.statements().get(0).locks().stream().anyMatch(l -> l.object().equals("public.audit")),
          "the new table's lock: " + table.statements().get(0).locks());

      assertTrue(step(r, "go").reason().startsWith("a gate (approval) waits for people or time"), step(r, "go").reason());
      assertTrue(step(r, "copy-audit").reason().contains("runs in many transactions"), step(r, "copy-audit").reason());

      Rehearsal.StepRehearsal broken = step(r, "broken");
      assertTrue(broken.statements().get(0).error().contains("relation \"nowhere\" does not exist"), broken.toString());
      assertEquals(0L, broken.statements().get(1).rows(), "the step went on after the savepoint");
      assertTrue(r.failed());
    }
  }

  private static final String BROKEN = """
            - id: broken
              kind: sql
              sql: ALTER TABLE nowhere ADD COLUMN x int; DELETE FROM accounts WHERE id < 0
              compensate: SELECT 1
              lint: {allow: [compensate-does-not-undo], because: "the step fails; its compensation never runs"}
      """;

  @Test
  void aStatementBlockedPastItsLockTimeoutIsReportedNotWaitedFor() throws Exception {
    Targets.Target target = database();
    try (Targets targets = Targets.of(List.of(target)); Connection blocker = TestDatabase.connect(target, "blocker")) {
      new PlanActivitiesImpl(targets).push(new PlanPushRequest(PLAN, "plan.yaml", null, "tester"));
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.execute("LOCK TABLE accounts IN ACCESS SHARE MODE");
      }
      long started = System.nanoTime();
      Rehearsal r = new RehearsalActivitiesImpl(targets).rehearse(new RehearsalRequest("rehearse-me", null, "rehearsed",
          "change", "tester"));
      long millis = (System.nanoTime() - started) / 1_000_000;
      blocker.rollback();
      assertEquals(List.of("change"), r.phases(), "--phase: that phase only");
      Rehearsal.StatementRehearsal alter = step(r, "add-column").statements().get(0);
      assertTrue(alter.error().contains("lock timeout"), alter.toString());
      assertTrue(alter.millis() >= 250 && alter.millis() < 2000, "waited its lockTimeout of 300ms: " + alter.millis());
      assertTrue(millis < 10_000, "took " + millis + " ms");
    }
  }

  @Test
  void theCliRehearsesThroughTheTargetsWorkerAsATableOrJson() throws Exception {
    Targets.Target target = database();
    int port = TemporalDevServer.freePort();
    String address = "127.0.0.1:" + port;
    try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true);
        TemporalConnection connection = TemporalConnection.open(address, "default");
        Targets targets = Targets.of(List.of(target))) {
      DevEnvironment.registerSearchAttributes(address);
      try (CutoverWorker worker = CutoverWorker.start(connection.client(), targets)) {
        connection.client().newWorkflowStub(PlanPushWorkflow.class, WorkflowOptions.newBuilder()
                .setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId("push-" + UUID.randomUUID()).build())
            .push(new PlanPushRequest(PLAN, "plan.yaml", null, "tester"));
        String before = schema(target);

        CliRun table = CliRun.cutover("start", "rehearse-me", "--target", "rehearsed", "--rehearse", "--address", address);
        assertEquals(CutoverCli.OK, table.exitCode(), table.out() + table.err());
        System.out.println("rehearsal: the table\n" + table.out());
        assertTrue(table.out().contains("rolled back: nothing was committed, no run started"), table.out());
        assertTrue(table.out().matches("(?s).*change +add-column +\\d+\\.\\d\\d ms +\\d* +ALTER TABLE accounts ADD COLUMN note text +"
            + "AccessExclusiveLock on public.accounts.*"), table.out());
        assertTrue(table.out().contains("not rehearsed:\n  index-concurrently (sql, phase change): PostgreSQL cannot "
            + "rehearse it in a transaction: ERROR: CREATE INDEX CONCURRENTLY cannot run inside a transaction block"),
            table.out());

        CliRun json = CliRun.cutover("start", "rehearse-me", "--target", "rehearsed", "--rehearse", "--phase", "change",
            "--output", "json", "--address", address);
        assertEquals(CutoverCli.OK, json.exitCode(), json.out() + json.err());
        JsonNode parsed = new ObjectMapper().readTree(json.out());
        assertEquals("rehearse-me", parsed.get("plan").asText());
        List<String> ids = new ArrayList<>();
        parsed.get("steps").forEach(s -> ids.add(s.get("stepId").asText()));
        assertEquals(List.of("add-column", "index-concurrently", "new-table", "go"), ids);
        assertEquals("AccessExclusiveLock", parsed.at("/steps/0/statements/0/locks/0/mode").asText());
        assertEquals(before, schema(target));
        assertEquals(0, TestDatabase.count(target, "SELECT count(*) FROM cutover.run"), "no run");

        CliRun missing = CliRun.cutover("start", "rehearse-me", "--target", "rehearsed", "--rehearse", "--phase", "nope",
            "--address", address);
        assertEquals(CutoverCli.FAILED, missing.exitCode());
        assertTrue(missing.err().contains("plan 'rehearse-me' has no phase 'nope'; its phases: change, copy"),
            missing.err());
      }
    }
  }

  private static Rehearsal.StepRehearsal step(Rehearsal r, String id) {
    return r.steps().stream().filter(s -> s.stepId().equals(id)).findFirst().orElseThrow();
  }

  /** The public schema's columns and indexes, and the accounts' rows, as text. */
  private static String schema(Targets.Target target) throws Exception {
    StringBuilder text = new StringBuilder();
    try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement()) {
      for (String query : List.of(
          "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public' "
              + "ORDER BY 1",
          "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
          "SELECT id || ':' || name FROM accounts ORDER BY id")) {
        try (ResultSet rows = s.executeQuery(query)) {
          while (rows.next()) {
            text.append(rows.getString(1)).append('\n');
          }
        }
      }
    }
    return text.toString();
  }
}
