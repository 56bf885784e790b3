package cutover;

import cutover.worker.TemporalDevServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.PlanPushRequest;
import cutover.activities.Targets;
import cutover.activities.steps.StepState;
import cutover.worker.CutoverWorker;
import cutover.worker.DevEnvironment;
import cutover.worker.TemporalConnection;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.CutoverRequest;
import cutover.workflows.CutoverResult;
import cutover.workflows.CutoverWorkflow;
import cutover.workflows.GateDecision;
import cutover.workflows.OperatorAction;
import cutover.workflows.PlanPushWorkflow;
import cutover.workflows.RunState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testserver.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Temporal's state is lost (the test server keeps nothing): a new server and {@code --resume RUN}
 * continue the same cutover from the ledger — completed steps are not applied again and the
 * approval given before the loss stands.
 */
class ResumeAfterTemporalLossTest {
  static final String EXAMPLE = "contract-templates";

  @Test
  void resumesFromTheLedgerAfterTemporalLosesEverything() throws Exception {
    Targets.Target database = CutoverEndToEndIT.exampleDatabase();
    String run = "resume-me";
    try (Targets targets = Targets.of(List.of(database))) {
      int port = TemporalDevServer.freePort();
      String address = "127.0.0.1:" + port;
      try (TestServer.PortBoundTestServer first = TestServer.createPortBoundServer(port, true);
          TemporalConnection connection = TemporalConnection.open(address, "default");
          CutoverWorker worker = CutoverWorker.start(connection.client(), targets)) {
        DevEnvironment.registerSearchAttributes(address);
        push(connection.client());
        CutoverWorkflow cutover = start(connection.client(), run, null);
        CutoverEndToEndIT.await("the go/no-go gate", Duration.ofSeconds(60),
            () -> CutoverEndToEndIT.waitingGate(connection.client(), run) != null);
        // Hold the phase right after the gate, then approve: the decision is in the ledger, nothing after it ran.
        cutover.pause(new OperatorAction("tester", "before the loss"));
        cutover.approve(new GateDecision("go-no-go", "dba-on-call", "approved before the loss", null));
        CutoverEndToEndIT.await("the gate to pass", Duration.ofSeconds(30),
            () -> CutoverEndToEndIT.stepState(connection.client(), run, "go-no-go") == StepState.COMPLETED);
      }
      assertEquals(Map.of("x", 1L), CutoverEndToEndIT.count(database,
          "SELECT 'x', count(*) FROM cutover.decision WHERE accepted AND step_id = 'go-no-go'"));
      Map<String, Long> appliedBefore = CutoverEndToEndIT.count(database,
          "SELECT step_id, count(*) FROM cutover.step WHERE action = 'apply' GROUP BY step_id");

      int secondPort = TemporalDevServer.freePort();
      String secondAddress = "127.0.0.1:" + secondPort;
      try (TestServer.PortBoundTestServer second = TestServer.createPortBoundServer(secondPort, true);
          TemporalConnection connection = TemporalConnection.open(secondAddress, "default");
          CutoverWorker worker = CutoverWorker.start(connection.client(), targets)) {
        DevEnvironment.registerSearchAttributes(secondAddress);
        // status before the resume: the run is only in the ledger, and status says how to go on
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = cutover.starter.CutoverCli.commandLine();
        cli.setOut(new java.io.PrintWriter(out));
        cli.setErr(new java.io.PrintWriter(err));
        assertEquals(cutover.starter.CutoverCli.FAILED, cli.execute("status", run, "--address", secondAddress), err.toString());
        assertTrue(out.toString().contains("run resume-me is not in Temporal, but the ledger of target demo has it active: "
            + "plan contract-templates, started by tester"), out.toString());
        assertTrue(out.toString().contains("cutover start contract-templates --target demo --resume resume-me"),
            out.toString());
        assertTrue(!(out.toString() + err).contains("NOT_FOUND"), out.toString() + err);
        CutoverWorkflow resumed = start(connection.client(), run, run);
        CutoverResult result = WorkflowStub.fromTyped(resumed).getResult(CutoverResult.class);
        assertEquals(RunState.COMPLETED, result.state());
        String gateOutcome = result.phases().stream().flatMap(p -> p.steps().stream())
            .filter(s -> s.id().equals("go-no-go")).findFirst().orElseThrow().outcome();
        assertTrue(gateOutcome.contains("dba-on-call"), gateOutcome);
      }
      Map<String, Long> appliedAfter = CutoverEndToEndIT.count(database,
          "SELECT step_id, count(*) FROM cutover.step WHERE action = 'apply' GROUP BY step_id");
      appliedBefore.forEach((step, times) -> assertEquals(times, appliedAfter.get(step), step));
      appliedAfter.forEach((step, times) -> assertEquals(1L, times, "step " + step + " applied " + times + " times"));
      assertTrue(appliedAfter.size() > appliedBefore.size());
      assertEquals(Map.of("completed", 1L), CutoverEndToEndIT.count(database,
          "SELECT state, count(*) FROM cutover.run GROUP BY state"));
    }
  }

  static void push(WorkflowClient client) throws Exception {
    client.newWorkflowStub(PlanPushWorkflow.class, WorkflowOptions.newBuilder()
            .setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId("push").build())
        .push(new PlanPushRequest(DevEnvironment.exampleFile(EXAMPLE, "workload.plan.yaml"), "plan.yaml", null, "tester"));
  }

  static CutoverWorkflow start(WorkflowClient client, String run, String resume) {
    CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId(run).build());
    WorkflowClient.start(cutover::run, new CutoverRequest(EXAMPLE, "demo", null, resume, "tester"));
    return cutover;
  }
}
