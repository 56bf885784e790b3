package cutover;

import static cutover.testing.CliRun.cutover;

import cutover.testing.CliRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.PlanPushRequest;
import cutover.activities.Targets;
import cutover.starter.CutoverCli;
import cutover.testing.TestDatabase;
import cutover.worker.CutoverWorker;
import cutover.worker.DevEnvironment;
import cutover.worker.TemporalConnection;
import cutover.worker.TemporalDevServer;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.CutoverPhaseWorkflow;
import cutover.workflows.PlanPushWorkflow;
import cutover.workflows.RunState;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testserver.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * `cutover abandon`: a run stuck after a failed compensation is ended for good, recorded with who
 * and why, its workflows terminated and its target freed; and a run Temporal lost is abandoned from
 * the ledger alone.
 */
class AbandonRunTest {
  /** Its compensation cannot work: the rollback stops at it and waits for a retry that cannot help. */
  static final String PLAN = """
      name: stuck
      target: demo
      phases:
        - name: only
          steps:
            - id: make-table
              kind: sql
              sql: CREATE TABLE IF NOT EXISTS kept (id int)
              compensate: DROP TABLE no_such_table
              lint: {allow: [compensate-does-not-undo], because: the run must get stuck in a compensation that fails}
            - id: go
              kind: approval
              approvers: [alice]
      """;

  @Test
  void aRunStuckAfterAFailedRollbackIsAbandonedAndTheTargetTakesANewRun() throws Exception {
    Targets.Target database = TestDatabase.newDatabase("demo");
    try (Targets targets = Targets.of(List.of(database))) {
      int port = TemporalDevServer.freePort();
      String address = "127.0.0.1:" + port;
      try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true);
          TemporalConnection connection = TemporalConnection.open(address, "default");
          CutoverWorker worker = CutoverWorker.start(connection.client(), targets)) {
        DevEnvironment.registerSearchAttributes(address);
        push(connection.client());
        assertEquals(CutoverCli.OK, cutover("start", "stuck", "--target", "demo", "--id", "stuck-1", "--as", "carol",
            "--address", address).exitCode());
        awaitPhase(connection.client(), "stuck-1.only", RunState.WAITING_APPROVAL);
        cutover("rollback", "stuck-1", "--as", "carol", "--address", address);
        awaitPhase(connection.client(), "stuck-1.only", RunState.ROLLBACK_FAILED_WAITING);

        CliRun refusedStart = cutover("start", "stuck", "--target", "demo", "--id", "blocked", "--address", address);
        assertEquals(CutoverCli.FAILED, refusedStart.exitCode(), refusedStart.out());
        assertTrue(refusedStart.err().contains("already has an active cutover: run stuck-1"), refusedStart.err());

        CliRun abandon = cutover("abandon", "stuck-1", "--reason", "its compensation cannot work", "--as", "alice",
            "--address", address);
        assertEquals(CutoverCli.OK, abandon.exitCode(), abandon.err());
        assertTrue(abandon.out().contains("run stuck-1 abandoned by alice: its compensation cannot work"), abandon.out());
        assertTrue(abandon.out().contains("ledger of target demo: abandoned (was active)"), abandon.out());
        assertTrue(abandon.out().contains("the target is free for new runs"), abandon.out());
        assertTrue(abandon.out().contains("Temporal: workflow stuck-1 terminated, with its phase stuck-1.only"),
            abandon.out());
        assertTrue(abandon.out().contains("applied and not undone (the target keeps these as they are):\n"
            + "    make-table (sql): sql ran, 0 rows"), abandon.out());
        assertEquals(Map.of("abandoned", 1L), CutoverEndToEndIT.count(database,
            "SELECT state, count(*) FROM cutover.run WHERE run_id = 'stuck-1' GROUP BY state"));
        assertEquals(Map.of("alice: its compensation cannot work", 1L), CutoverEndToEndIT.count(database,
            "SELECT actor || ': ' || detail, count(*) FROM cutover.run_event WHERE kind = 'abandoned' GROUP BY 1"));
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED, status(connection, "stuck-1"));
        assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED, status(connection, "stuck-1.only"));

        CliRun again = cutover("abandon", "stuck-1", "--reason", "twice", "--address", address);
        assertEquals(CutoverCli.FAILED, again.exitCode(), again.out());
        assertTrue(again.err().contains("run stuck-1 has ended (state abandoned"), again.err());
        assertTrue(again.err().contains("nothing was changed"), again.err());

        // the target is free: a new run starts and reaches its gate
        assertEquals(CutoverCli.OK, cutover("start", "stuck", "--target", "demo", "--id", "second", "--address", address)
            .exitCode());
        awaitPhase(connection.client(), "second.only", RunState.WAITING_APPROVAL);
      }

      // Temporal loses everything: the ledger alone still lets the run be abandoned
      int secondPort = TemporalDevServer.freePort();
      String secondAddress = "127.0.0.1:" + secondPort;
      try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(secondPort, true);
          TemporalConnection connection = TemporalConnection.open(secondAddress, "default");
          CutoverWorker worker = CutoverWorker.start(connection.client(), targets)) {
        DevEnvironment.registerSearchAttributes(secondAddress);
        CliRun lost = cutover("abandon", "second", "--reason", "Temporal lost it", "--as", "bob", "--address", secondAddress);
        assertEquals(CutoverCli.OK, lost.exitCode(), lost.err());
        assertTrue(lost.out().contains("Temporal: no workflow second (Temporal has lost it): nothing to end there"),
            lost.out());
        assertTrue(lost.out().contains("make-table (sql)"), "applied by the first run, kept: " + lost.out());
        assertFalse(lost.out().contains("NOT_FOUND"), lost.out());
      }
      assertEquals(Map.of("abandoned", 2L), CutoverEndToEndIT.count(database,
          "SELECT state, count(*) FROM cutover.run GROUP BY state"));
    }
  }

  static void push(WorkflowClient client) {
    client.newWorkflowStub(PlanPushWorkflow.class, WorkflowOptions.newBuilder()
            .setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId("push-stuck").build())
        .push(new PlanPushRequest(PLAN, "stuck.yaml", null, "tester"));
  }

  static void awaitPhase(WorkflowClient client, String workflowId, RunState state) throws InterruptedException {
    CutoverEndToEndIT.await("phase " + workflowId + " " + state, Duration.ofSeconds(60), () -> {
      try {
        return client.newWorkflowStub(CutoverPhaseWorkflow.class, workflowId).status().state() == state;
      } catch (RuntimeException notYet) {
        return false;
      }
    });
  }

  static WorkflowExecutionStatus status(TemporalConnection connection, String workflowId) {
    return connection.service().blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
        .setNamespace("default").setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build())
        .getWorkflowExecutionInfo().getStatus();
  }

}
