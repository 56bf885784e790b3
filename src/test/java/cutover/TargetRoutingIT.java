package cutover;

import static cutover.CutoverEndToEndIT.await;
import static cutover.CutoverEndToEndIT.count;
import static cutover.CutoverEndToEndIT.waitingGate;
import static cutover.RealServerIT.rowsDone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.PlanPushRequest;
import cutover.activities.Targets;
import cutover.starter.CutoverCli;
import cutover.testing.TemporalDevServerExtension;
import cutover.testing.TestDatabase;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.CutoverResult;
import cutover.workflows.CutoverWorkflow;
import cutover.workflows.GateDecision;
import cutover.workflows.PlanPushWorkflow;
import cutover.workflows.RunState;
import cutover.workflows.TargetTaskQueue;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.Statement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two {@code cutover worker} processes on a real Temporal server, one for target {@code orders} and
 * one for target {@code billing}. A start for a target no worker has is refused; the orders worker
 * is killed with {@code kill -9} mid-backfill, and while it is away the billing worker runs the
 * workflows' tasks and its own run but none of orders' activities; a new orders worker takes them
 * up and the run completes with every step applied once and every row copied once. Prints a {@code routing:} line with the times it measured.
 */
class TargetRoutingIT {
  @RegisterExtension
  static final TemporalDevServerExtension temporal = new TemporalDevServerExtension(false);

  static final String SOURCE_ROWS = "2000";
  /** A copy of {@value #SOURCE_ROWS} rows at 400 rows a second: a few seconds, so the kill lands in its middle. */
  static final String COPY_PLAN = """
      name: routed-copy
      target: orders
      phases:
        - name: copy
          steps:
            - id: create-copy
              kind: sql
              sql: CREATE TABLE routed_copy (id int PRIMARY KEY, payload text)
              compensate: DROP TABLE routed_copy
            - id: copy-rows
              kind: backfill
              from: routed_source
              key: [id]
              into: routed_copy
              columns:
                id: id
                payload: payload
              batchSize: 100
              rate: 400
            - id: go
              kind: approval
            - id: index-copy
              kind: sql
              sql: CREATE INDEX routed_copy_payload ON routed_copy (payload)
              compensate: DROP INDEX routed_copy_payload
      """;

  @Test
  void aKilledWorkersTargetWaitsForItsOwnWorkersAndCompletesExactly() throws Exception {
    long testStarted = System.nanoTime();
    Targets.Target orders = TestDatabase.newDatabase("orders");
    Targets.Target billing = TestDatabase.newDatabase("billing");
    WorkflowClient client = temporal.connection().client();
    List<Process> workers = new ArrayList<>();
    try {
      Process billingWorker = startWorker(billing, "billing-1");
      Process ordersWorker = startWorker(orders, "orders-1");
      workers.addAll(List.of(billingWorker, ordersWorker));
      try (Connection c = TestDatabase.connect(orders); Statement sql = c.createStatement()) {
        sql.execute("CREATE TABLE routed_source AS SELECT i AS id, md5(i::text) AS payload"
            + " FROM generate_series(1, " + SOURCE_ROWS + ") i");
        sql.execute("ALTER TABLE routed_source ADD PRIMARY KEY (id)");
      }

      // The refusal below is about the target's queue, so the workflow queue must be polled already.
      await("both workers polling", Duration.ofSeconds(60),
          () -> polled("billing") && polled("orders") && workflowQueuePolled());

      StringWriter refusal = new StringWriter();
      int refused = CutoverCli.commandLine().setErr(new PrintWriter(refusal))
          .execute("start", "routed-copy", "--target", "ghost", "--address", temporal.address());
      assertEquals(CutoverCli.FAILED, refused, refusal.toString());
      assertTrue(refusal.toString().contains("no worker serves target 'ghost'")
          && refusal.toString().contains("start `cutover worker` with target ghost"), refusal.toString());

      double workersUp = (System.nanoTime() - testStarted) / 1e9;
      String ordersPush = push(client, COPY_PLAN);
      String billingPush = push(client, TargetRoutingTest.PLAN.formatted("billing", "billing"));
      String run = "routed-" + UUID.randomUUID().toString().substring(0, 8);
      StringWriter started = new StringWriter();
      assertEquals(CutoverCli.OK, CutoverCli.commandLine().setOut(new PrintWriter(started))
          .execute("start", "routed-copy", "--target", "orders", "--id", run, "--address", temporal.address()),
          started.toString());
      assertEquals(CutoverCli.OK, CutoverCli.commandLine().setOut(new PrintWriter(new StringWriter()))
          .execute("start", "routed", "--target", "billing", "--id", run + "-billing", "--address", temporal.address()));

      await("the backfill to commit a batch", Duration.ofSeconds(60), () -> rowsDone(orders, "copy-rows") > 0);
      ordersWorker.destroyForcibly().waitFor();
      long killedAt = System.nanoTime();
      double killed = (killedAt - testStarted) / 1e9;
      long rowsAtKill = rowsDone(orders, "copy-rows");
      Process secondOrdersWorker = startWorker(orders, "orders-2");
      workers.add(secondOrdersWorker);
      // Meanwhile the billing worker runs on (its own run completes) and takes none of orders' work: it
      // lacks target orders, so a part of the copy taken there would fail the step.
      await("the billing run's gate", Duration.ofSeconds(30), () -> waitingGate(client, run + "-billing") != null);
      client.newWorkflowStub(CutoverWorkflow.class, run + "-billing")
          .approve(new GateDecision("go", "dba-on-call", null, null));
      assertEquals(RunState.COMPLETED,
          client.newUntypedWorkflowStub(run + "-billing").getResult(CutoverResult.class).state());

      await("the backfill to commit a batch on the new orders worker", Duration.ofSeconds(60),
          () -> rowsDone(orders, "copy-rows") > rowsAtKill);
      double movingAgain = (System.nanoTime() - killedAt) / 1e9;
      await("the go gate", Duration.ofSeconds(60), () -> waitingGate(client, run) != null);
      client.newWorkflowStub(CutoverWorkflow.class, run).approve(new GateDecision("go", "dba-on-call", null, null));
      CutoverResult result = client.newUntypedWorkflowStub(run).getResult(CutoverResult.class);
      assertEquals(RunState.COMPLETED, result.state());
      System.out.printf("routing: both worker processes polling %.1f s after the test began, the orders worker killed"
          + " with kill -9 mid-backfill at %.1f s; a new orders worker (started at once) committed the next batch %.1f s"
          + " after the kill; %.1f s in all%n", workersUp, killed, movingAgain, (System.nanoTime() - testStarted) / 1e9);

      assertEquals(Map.of("copy-rows", 1L, "create-copy", 1L, "index-copy", 1L),
          count(orders, "SELECT step_id, count(*) FROM cutover.step WHERE action = 'apply' GROUP BY 1"));
      assertEquals(Map.of("x", 0L), count(orders, "SELECT 'x', count(*) FROM (SELECT * FROM routed_source"
          + " EXCEPT SELECT * FROM routed_copy) missing"));
      assertEquals(Map.of("x", Long.parseLong(SOURCE_ROWS)), count(orders, "SELECT 'x', count(*) FROM routed_copy"));
      assertEquals(Map.of("mark", 1L, "create-marker", 1L),
          count(billing, "SELECT step_id, count(*) FROM cutover.step WHERE action = 'apply' GROUP BY 1"));
      for (String workflow : List.of(ordersPush, run, run + ".copy")) {
        TargetRoutingTest.assertActivitiesRanOn(client, workflow, "orders", processes(ordersWorker, secondOrdersWorker));
      }
      for (String workflow : List.of(billingPush, run + "-billing", run + "-billing.only")) {
        TargetRoutingTest.assertActivitiesRanOn(client, workflow, "billing", processes(billingWorker));
      }
    } finally {
      for (Process worker : workers) {
        worker.destroyForcibly().waitFor();
      }
    }
  }

  /** A {@code cutover worker} process for one target, configured by environment as a user would. */
  private static Process startWorker(Targets.Target target, String name) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-jar", "target/cutover.jar", "worker", "--address",
        temporal.address())
        .redirectErrorStream(true)
        .redirectOutput(new File("target/routing-worker-" + name + ".out"));
    String prefix = "CUTOVER_TARGET_" + target.name().toUpperCase(Locale.ROOT) + "_";
    builder.environment().put(prefix + "URL", target.jdbcUrl());
    builder.environment().put(prefix + "USER", target.user());
    builder.environment().put(prefix + "PASSWORD", target.password());
    return builder.start();
  }

  private static boolean workflowQueuePolled() {
    return temporal.connection().service().blockingStub().describeTaskQueue(DescribeTaskQueueRequest.newBuilder()
            .setNamespace("default").setTaskQueue(TaskQueue.newBuilder().setName(WorkflowRegistration.TASK_QUEUE))
            .setTaskQueueType(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW).build())
        .getPollersCount() > 0;
  }

  private static boolean polled(String target) {
    return temporal.connection().service().blockingStub().describeTaskQueue(DescribeTaskQueueRequest.newBuilder()
            .setNamespace("default").setTaskQueue(TaskQueue.newBuilder().setName(TargetTaskQueue.of(target)))
            .setTaskQueueType(TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY).build())
        .getPollersCount() > 0;
  }

  /** @return the push's workflow id */
  private static String push(WorkflowClient client, String yaml) {
    String workflowId = "push-" + UUID.randomUUID();
    assertEquals(List.of(), client.newWorkflowStub(PlanPushWorkflow.class, WorkflowOptions.newBuilder()
            .setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId(workflowId).build())
        .push(new PlanPushRequest(yaml, "plan.yaml", null, "tester")).problems());
    return workflowId;
  }

  /** A worker process's identity in the histories: pid@host. */
  private static Predicate<String> processes(Process... workers) {
    return identity -> Arrays.stream(workers).anyMatch(worker -> identity.startsWith(worker.pid() + "@"));
  }
}
