package cutover;

import cutover.activities.steps.GateKind;
import cutover.activities.steps.StepKinds;
import static cutover.CutoverEndToEndIT.await;
import static cutover.CutoverEndToEndIT.count;
import static cutover.CutoverEndToEndIT.dump;
import static cutover.CutoverEndToEndIT.exampleDatabase;
import static cutover.CutoverEndToEndIT.slowStepId;
import static cutover.CutoverEndToEndIT.slowedPlan;
import static cutover.CutoverEndToEndIT.startWorker;
import static cutover.CutoverEndToEndIT.waitingGate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import cutover.activities.PlanPushRequest;
import cutover.activities.PlanPushResult;
import cutover.activities.Targets;
import cutover.starter.CutoverCli;
import cutover.testing.TemporalDevServerExtension;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.CutoverRequest;
import cutover.workflows.CutoverResult;
import cutover.workflows.CutoverWorkflow;
import cutover.workflows.GateDecision;
import cutover.workflows.PlanPushWorkflow;
import cutover.workflows.RunState;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo plan on a real Temporal server ({@code temporal server start-dev}, one for the class)
 * with the worker in its own process and none of the test server's workarounds: the worker is
 * killed with {@code kill -9} mid-backfill and at the gate, and the server itself is restarted on
 * its database file mid-backfill and at the gate. Each run completes with every step applied once,
 * with no {@code --resume}. Prints {@code real-server:} lines with the times it measured.
 */
class RealServerIT {
  static final String GATE_NEXT_STEP = "validate-template-foreign-keys";

  @RegisterExtension
  static final TemporalDevServerExtension temporal = new TemporalDevServerExtension(false);

  @Test
  void aWorkerKilledMidBackfillAndAtTheGateIsReplacedWithEveryStepAppliedOnce() throws Exception {
    Targets.Target database = exampleDatabase();
    WorkflowClient client = temporal.connection().client();
    Process worker = startWorker(temporal.address(), database, 31);
    try {
      String slowStep = pushSlowedPlan(client);
      String run = startRun(client, "kill-");
      awaitBatchCommitted(database, slowStep);
      worker.destroyForcibly().waitFor();
      long killedAt = System.nanoTime();
      long rowsAtKill = rowsDone(database, slowStep);
      worker = startWorker(temporal.address(), database, 32);
      await("the backfill to commit a batch on the new worker", Duration.ofSeconds(120),
          () -> rowsDone(database, slowStep) > rowsAtKill);
      double backfillMoving = secondsSince(killedAt);

      await("the go/no-go gate", Duration.ofSeconds(90), () -> waitingGate(client, run) != null);
      worker.destroyForcibly().waitFor();
      long gateKilledAt = System.nanoTime();
      worker = startWorker(temporal.address(), database, 33);
      client.newWorkflowStub(CutoverWorkflow.class, run)
          .approve(new GateDecision("go-no-go", "dba-on-call", "after a kill -9", null));
      await("the step after the gate in the ledger", Duration.ofSeconds(90), () -> stepRecorded(database, GATE_NEXT_STEP));
      double gateMoving = secondsSince(gateKilledAt);

      assertCompletedOnce(client, run, database);
      System.out.printf("real-server: kill -9 mid-backfill: next batch committed by a new worker %.1f s after the kill;"
          + " kill -9 at the gate, approved right away: next step ran %.1f s after the kill%n", backfillMoving, gateMoving);

      StringWriter listed = new StringWriter();
      int code = CutoverCli.commandLine().setOut(new PrintWriter(listed))
          .execute("list", "--target", "demo", "--address", temporal.address());
      assertEquals(0, code, listed.toString());
      assertTrue(listed.toString().startsWith("source: Temporal visibility, query: WorkflowType = 'Cutover' AND"
          + " CutoverTarget = 'demo'"), listed.toString());
      assertTrue(listed.toString().lines().anyMatch(l -> l.startsWith(run) && l.contains("completed")),
          listed.toString());
    } finally {
      worker.destroyForcibly().waitFor();
    }
  }

  @Test
  void aServerRestartMidBackfillAndAtTheGateLosesNothing() throws Exception {
    Targets.Target database = exampleDatabase();
    WorkflowClient client = temporal.connection().client();
    Process worker = startWorker(temporal.address(), database, 41);
    try {
      String slowStep = pushSlowedPlan(client);
      String run = startRun(client, "restart-");
      awaitBatchCommitted(database, slowStep);
      String phase = client.newWorkflowStub(CutoverWorkflow.class, run).status().currentPhaseWorkflowId();
      long eventsBefore = describe(phase).getWorkflowExecutionInfo().getHistoryLength();
      long stoppedAt = System.nanoTime();
      temporal.server().restart();
      double backfillRestart = secondsSince(stoppedAt);
      // Moving again through Temporal: the phase's history grows or a heartbeat reaches the server.
      await("the backfill phase to move on the restarted server", Duration.ofSeconds(90), () -> {
        DescribeWorkflowExecutionResponse now = describeOrNull(phase);
        return now != null && (now.getWorkflowExecutionInfo().getHistoryLength() > eventsBefore
            || now.getPendingActivitiesList().stream().anyMatch(a -> a.hasLastHeartbeatTime()
            && a.getLastHeartbeatTime().getSeconds() * 1_000_000_000L >= wallNanosAt(stoppedAt)));
      });
      double backfillMoving = secondsSince(stoppedAt);

      await("the go/no-go gate", Duration.ofSeconds(90), () -> waitingGate(client, run) != null);
      long gateStoppedAt = System.nanoTime();
      temporal.server().restart();
      double gateRestart = secondsSince(gateStoppedAt);
      approveAsTheWebUi(run, "{\"gate\":\"go-no-go\",\"by\":\"dba-on-call\",\"comment\":\"after a restart\"}");
      await("the step after the gate in the ledger", Duration.ofSeconds(90), () -> stepRecorded(database, GATE_NEXT_STEP));
      double gateMoving = secondsSince(gateStoppedAt);

      assertCompletedOnce(client, run, database);
      System.out.printf("real-server: server restart mid-backfill: down and up again in %.1f s, the phase moving"
          + " again %.1f s after the stop; restart at the gate: %.1f s, approved (one json/plain payload, as the Web UI"
          + " sends it) and the next step running %.1f s after the stop%n", backfillRestart, backfillMoving, gateRestart,
          gateMoving);
    } finally {
      worker.destroyForcibly().waitFor();
    }
  }

  private static String pushSlowedPlan(WorkflowClient client) throws Exception {
    Map<String, Object> plan = slowedPlan();
    PlanPushResult pushed = client.newWorkflowStub(PlanPushWorkflow.class, WorkflowOptions.newBuilder()
            .setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId("push-" + UUID.randomUUID()).build())
        .push(new PlanPushRequest(dump(plan), "plan.yaml", null, "tester"));
    assertEquals(List.of(), pushed.problems());
    return slowStepId(plan);
  }

  private static String startRun(WorkflowClient client, String prefix) {
    String run = prefix + UUID.randomUUID().toString().substring(0, 8);
    CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId(run).build());
    WorkflowClient.start(cutover::run, new CutoverRequest(CutoverEndToEndIT.EXAMPLE, "demo", null, null, "tester"));
    return run;
  }

  /** Whether the step's row is in the ledger: work moved on, whatever Temporal's queries say meanwhile. */
  static boolean stepRecorded(Targets.Target database, String step) {
    return count(database, "SELECT 'x', count(*) FROM cutover.step WHERE step_id = '" + step + "'")
        .getOrDefault("x", 0L) > 0;
  }

  private static void awaitBatchCommitted(Targets.Target database, String step) throws InterruptedException {
    await("the backfill to have committed a batch", Duration.ofSeconds(90), () -> rowsDone(database, step) > 0);
  }

  static long rowsDone(Targets.Target database, String step) {
    try {
      return count(database, "SELECT 'x', coalesce(sum(rows_done), 0)::bigint FROM cutover.backfill_checkpoint"
          + " WHERE step_id = '" + step + "'").getOrDefault("x", 0L);
    } catch (RuntimeException noLedgerYet) {
      return 0;
    }
  }

  private static void assertCompletedOnce(WorkflowClient client, String run, Targets.Target database) {
    CutoverResult result = client.newUntypedWorkflowStub(run).getResult(CutoverResult.class);
    assertEquals(RunState.COMPLETED, result.state());
    Map<String, Long> applied = count(database,
        "SELECT step_id, count(*) FROM cutover.step WHERE action = 'apply' GROUP BY step_id");
    long steps = result.phases().stream().flatMap(p -> p.steps().stream())
        .filter(s -> !(StepKinds.ALL.find(s.kind()).orElseThrow() instanceof GateKind<?>)).count();
    assertEquals(steps, applied.size(), applied.toString());
    applied.forEach((step, times) -> assertEquals(1L, times, "step " + step + " applied " + times + " times"));
    assertEquals(count(database, "SELECT tenant::text, count(*) FROM contract_templates GROUP BY tenant").values()
        .stream().mapToLong(Long::longValue).sum(), 3044L);
    assertFalse(client.fetchHistory(run).toJson(false).contains(database.password()));
  }

  /** A signal exactly as the Web UI sends one: a single json/plain payload holding the typed JSON. */
  private static void approveAsTheWebUi(String run, String typedJson) throws InterruptedException {
    Payload payload = Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFrom(typedJson, StandardCharsets.UTF_8))
        .build();
    SignalWorkflowExecutionRequest signal = SignalWorkflowExecutionRequest.newBuilder()
        .setNamespace("default")
        .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(run))
        .setSignalName("approve")
        .setInput(Payloads.newBuilder().addPayloads(payload))
        .setIdentity("webui")
        .setRequestId(UUID.randomUUID().toString())
        .build();
    // Sent again, as a person would click again, while the channel reconnects to a restarted server.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        temporal.connection().service().blockingStub().signalWorkflowExecution(signal);
        return;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private static DescribeWorkflowExecutionResponse describe(String workflowId) {
    return temporal.connection().service().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build());
  }

  private static DescribeWorkflowExecutionResponse describeOrNull(String workflowId) {
    try {
      return describe(workflowId);
    } catch (RuntimeException notYet) {
      return null;
    }
  }

  /** The wall-clock time (epoch nanoseconds) of a {@link System#nanoTime()} reading. */
  private static long wallNanosAt(long nanoTime) {
    return System.currentTimeMillis() * 1_000_000L - (System.nanoTime() - nanoTime);
  }

  private static double secondsSince(long nanoTime) {
    return (System.nanoTime() - nanoTime) / 1e9;
  }
}
