package cutover;

import static cutover.CutoverEndToEndIT.await;
import static cutover.CutoverEndToEndIT.count;
import static cutover.CutoverEndToEndIT.waitingGate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.PlanPushRequest;
import cutover.activities.PlanPushResult;
import cutover.activities.Targets;
import cutover.testing.TestDatabase;
import cutover.worker.CutoverDataConverter;
import cutover.worker.CutoverWorker;
import cutover.worker.DevEnvironment;
import cutover.worker.TemporalConnection;
import cutover.worker.TemporalDevServer;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.CutoverRequest;
import cutover.workflows.CutoverResult;
import cutover.workflows.CutoverWorkflow;
import cutover.workflows.GateDecision;
import cutover.workflows.PlanPushWorkflow;
import cutover.workflows.RunState;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import cutover.workflows.TargetTaskQueue;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testserver.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Two workers on one Temporal server, each configured for a different target with a database of
 * its own: every activity of a run is executed by a worker of the run's target. With the only
 * worker of a target shut down, that target's run waits (the other worker, which still runs its
 * workflow tasks, takes none of its activities) and completes once a new worker for it starts.
 */
class TargetRoutingTest {
  static final String PLAN = """
      name: routed
      target: %s
      phases:
        - name: only
          steps:
            - id: create-marker
              kind: sql
              sql: CREATE TABLE routed_marker (written_for text)
              compensate: DROP TABLE routed_marker
            - id: go
              kind: approval
            - id: mark
              kind: sql
              sql: INSERT INTO routed_marker VALUES ('%s')
              compensate: DELETE FROM routed_marker
      """;

  @Test
  void eachTargetsActivitiesRunOnlyOnItsWorkersAndWaitWhileItHasNone() throws Exception {
    Targets.Target alpha = TestDatabase.newDatabase("alpha");
    Targets.Target beta = TestDatabase.newDatabase("beta");
    int port = TemporalDevServer.freePort();
    String address = "127.0.0.1:" + port;
    try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true);
        TemporalConnection connection = TemporalConnection.open(address, "default");
        Targets alphaTargets = Targets.of(List.of(alpha));
        Targets betaTargets = Targets.of(List.of(beta));
        CutoverWorker betaWorker = CutoverWorker.start(client(connection, "worker-beta"), betaTargets)) {
      DevEnvironment.registerSearchAttributes(address);
      WorkflowClient client = connection.client();
      CutoverWorker alphaWorker = CutoverWorker.start(client(connection, "worker-alpha-1"), alphaTargets);
      try {
        assertEquals(List.of(), push(client, "push-alpha", "alpha").problems());
        assertEquals(List.of(), push(client, "push-beta", "beta").problems());
        CutoverWorkflow runAlpha = start(client, "run-alpha", "alpha");
        CutoverWorkflow runBeta = start(client, "run-beta", "beta");
        await("both runs at their gate", Duration.ofSeconds(20),
            () -> waitingGate(client, "run-alpha") != null && waitingGate(client, "run-beta") != null);

        alphaWorker.close();
        runAlpha.approve(new GateDecision("go", "dba-on-call", "alpha's worker is gone", null));
        runBeta.approve(new GateDecision("go", "dba-on-call", null, null));
        assertEquals(RunState.COMPLETED, result(runBeta).state());
        // Alpha's work waits on its queue, scheduled and not taken, while beta's worker runs on.
        await("alpha's next activity scheduled", Duration.ofSeconds(10), () -> pendingActivityStates(connection,
            "run-alpha.only").contains(PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED));
        Thread.sleep(2_000);
        List<PendingActivityState> pending = pendingActivityStates(connection, "run-alpha.only");
        assertTrue(pending.stream().allMatch(s -> s == PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED),
            pending.toString());
        int waited = pending.size();
        assertEquals(Map.of("x", 0L), count(alpha, "SELECT 'x', count(*) FROM routed_marker"));

        long restarted = System.nanoTime();
        alphaWorker = CutoverWorker.start(client(connection, "worker-alpha-2"), alphaTargets);
        assertEquals(RunState.COMPLETED, result(runAlpha).state());
        System.out.printf("routing: with no alpha worker, alpha's run waited with %d activity scheduled on its queue;"
            + " it completed %.1f s after a new alpha worker started%n", waited, (System.nanoTime() - restarted) / 1e9);
      } finally {
        alphaWorker.close();
      }

      for (String workflow : List.of("push-alpha", "run-alpha", "run-alpha.only")) {
        assertActivitiesRanOn(client, workflow, "alpha", identity -> identity.startsWith("worker-alpha-"));
      }
      for (String workflow : List.of("push-beta", "run-beta", "run-beta.only")) {
        assertActivitiesRanOn(client, workflow, "beta", identity -> identity.equals("worker-beta"));
      }
      assertEquals(Map.of("alpha", 1L), count(alpha, "SELECT written_for, count(*) FROM routed_marker GROUP BY 1"));
      assertEquals(Map.of("beta", 1L), count(beta, "SELECT written_for, count(*) FROM routed_marker GROUP BY 1"));
      assertEquals(Map.of("run-alpha", 1L), count(alpha, "SELECT run_id, count(*) FROM cutover.run GROUP BY 1"));
      assertEquals(Map.of("run-beta", 1L), count(beta, "SELECT run_id, count(*) FROM cutover.run GROUP BY 1"));
    }
  }

  /** A client whose workers show this identity in the histories of the activities they run. */
  private static WorkflowClient client(TemporalConnection connection, String identity) {
    return WorkflowClient.newInstance(connection.service(), WorkflowClientOptions.newBuilder().setNamespace("default")
        .setDataConverter(CutoverDataConverter.create()).setIdentity(identity).build());
  }

  private static PlanPushResult push(WorkflowClient client, String workflowId, String target) {
    return client.newWorkflowStub(PlanPushWorkflow.class, WorkflowOptions.newBuilder()
            .setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId(workflowId).build())
        .push(new PlanPushRequest(PLAN.formatted(target, target), "plan.yaml", null, "tester"));
  }

  private static CutoverWorkflow start(WorkflowClient client, String run, String target) {
    CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId(run).build());
    WorkflowClient.start(cutover::run, new CutoverRequest("routed", target, null, null, "tester"));
    return cutover;
  }

  private static CutoverResult result(CutoverWorkflow cutover) throws Exception {
    return WorkflowStub.fromTyped(cutover).getResult(30, TimeUnit.SECONDS, CutoverResult.class);
  }

  private static List<PendingActivityState> pendingActivityStates(TemporalConnection connection, String workflowId) {
    return connection.service().blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace("default").setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build())
        .getPendingActivitiesList().stream().map(a -> a.getState()).toList();
  }

  /**
   * Every activity of the workflow was scheduled on the target's queue and ran on one of its
   * workers; the one exception is reading a pushed plan's target, which needs no database and
   * any worker may answer on the shared queue.
   */
  static void assertActivitiesRanOn(WorkflowClient client, String workflowId, String target,
      Predicate<String> workerOfTarget) {
    Map<Long, ActivityTaskScheduledEventAttributes> scheduled = new HashMap<>();
    List<String> ran = new ArrayList<>();
    for (HistoryEvent event : client.fetchHistory(workflowId).getEvents()) {
      if (event.hasActivityTaskScheduledEventAttributes()) {
        scheduled.put(event.getEventId(), event.getActivityTaskScheduledEventAttributes());
      } else if (event.hasActivityTaskStartedEventAttributes()) {
        ActivityTaskScheduledEventAttributes activity =
            scheduled.get(event.getActivityTaskStartedEventAttributes().getScheduledEventId());
        String type = activity.getActivityType().getName();
        String identity = event.getActivityTaskStartedEventAttributes().getIdentity();
        ran.add(type + " on " + identity);
        if (!type.equals("ReadPlanTarget")) {
          assertEquals(TargetTaskQueue.of(target), activity.getTaskQueue().getName(), workflowId + "'s " + type);
          assertTrue(workerOfTarget.test(identity),
              workflowId + "'s " + type + " ran on " + identity + ", not on a worker of target " + target + ": " + ran);
        }
      }
    }
    assertTrue(ran.stream().anyMatch(r -> !r.startsWith("ReadPlanTarget")), workflowId + " ran no activity on its target");
  }
}
