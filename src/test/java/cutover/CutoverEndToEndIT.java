package cutover;

import cutover.activities.steps.GateKind;
import cutover.activities.steps.StepKinds;
import cutover.worker.TemporalDevServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.steps.StepState;
import cutover.activities.PlanPushResult;
import cutover.activities.Targets;
import cutover.testing.TestDatabase;
import cutover.worker.DevEnvironment;
import cutover.worker.TemporalConnection;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.CutoverPhaseWorkflow;
import cutover.workflows.CutoverRequest;
import cutover.workflows.CutoverResult;
import cutover.workflows.CutoverStatus;
import cutover.workflows.CutoverWorkflow;
import cutover.workflows.GateDecision;
import cutover.workflows.PhaseStatus;
import cutover.workflows.RunState;
import cutover.workflows.StepView;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testserver.TestServer;
import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The demo plan on a standalone test server with the worker in its own process: the worker is
 * killed with {@code kill -9} in the middle of a step, a new one takes over, and the cutover
 * completes with every step applied once and the per-tenant counts equal.
 */
class CutoverEndToEndIT {
  static final String EXAMPLE = "contract-templates";
  /** The first copy (a backfill of ~3,000 templates) capped at this many rows a second: it takes several seconds. */
  static final int SLOW_RATE = 400;

  @Test
  void survivesAWorkerKilledMidStepAndKeepsSecretsOutOfTemporal() throws Exception {
    Targets.Target database = exampleDatabase();
    Map<String, Long> templatesPerTenant = count(database,
        "SELECT tenant::text, count(*) FROM contracts WHERE is_template GROUP BY tenant");
    Map<String, Long> templateLinesPerTenant = count(database, "SELECT l.tenant::text, count(*) FROM contract_lines l "
        + "JOIN contracts c USING (tenant, contract_id) WHERE c.is_template GROUP BY l.tenant");

    int port = TemporalDevServer.freePort();
    String address = "127.0.0.1:" + port;
    try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true);
        TemporalConnection connection = TemporalConnection.open(address, "default")) {
      DevEnvironment.registerSearchAttributes(address);
      Process worker = startWorker(address, database, 1);
      WorkflowClient client = connection.client();
      try {
        Map<String, Object> plan = slowedPlan();
        String slowStep = slowStepId(plan);
        String pushId = "push-" + UUID.randomUUID();
        PlanPushResult pushed = client.newWorkflowStub(cutover.workflows.PlanPushWorkflow.class,
                WorkflowOptions.newBuilder().setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId(pushId).build())
            .push(new cutover.activities.PlanPushRequest(dump(plan), "plan.yaml", null, "tester"));
        assertEquals(List.of(), pushed.problems());

        String run = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId(run).build());
        WorkflowClient.start(cutover::run, new CutoverRequest(EXAMPLE, "demo", null, null, "tester"));

        await("the slow step to have committed a batch", Duration.ofSeconds(60),
            () -> count(database, "SELECT 'x', count(*) FROM pg_tables WHERE schemaname = 'cutover'"
                + " AND tablename = 'backfill_checkpoint'").getOrDefault("x", 0L) > 0
                && count(database, "SELECT 'x', count(*) FROM cutover.backfill_checkpoint WHERE step_id = '" + slowStep
                + "' AND rows_done > 0").getOrDefault("x", 0L) > 0);
        worker.destroyForcibly().waitFor();
        long killedAt = System.nanoTime();
        String rowsDone = "SELECT 'x', sum(rows_done)::bigint FROM cutover.backfill_checkpoint WHERE step_id = '"
            + slowStep + "'";
        long rowsAtKill = count(database, rowsDone).get("x");

        worker = startWorker(address, database, 2);
        await("the slow step to commit a batch on the new worker", Duration.ofSeconds(60),
            () -> count(database, rowsDone).get("x") > rowsAtKill);
        double movingAgainSeconds = (System.nanoTime() - killedAt) / 1e9;
        await("the slow step to complete on the new worker", Duration.ofSeconds(60),
            () -> stepState(client, run, slowStep) == StepState.COMPLETED);
        System.out.printf("e2e: worker killed with kill -9 mid-backfill; a new worker committed its next batch %.1f s"
            + " later, completed the step %.1f s after the kill%n", movingAgainSeconds,
            (System.nanoTime() - killedAt) / 1e9);

        await("the go/no-go gate", Duration.ofSeconds(60), () -> waitingGate(client, run) != null);
        cutover.approve(new GateDecision(waitingGate(client, run), "cutover-demo", "e2e", null));
        CutoverResult result = WorkflowStub.fromTyped(cutover).getResult(CutoverResult.class);
        assertEquals(RunState.COMPLETED, result.state());

        Map<String, Long> applied = count(database,
            "SELECT step_id, count(*) FROM cutover.step WHERE action = 'apply' GROUP BY step_id");
        long sqlSteps = result.phases().stream().flatMap(p -> p.steps().stream())
            .filter(s -> !(StepKinds.ALL.find(s.kind()).orElseThrow() instanceof GateKind<?>)).count();
        assertEquals(sqlSteps, applied.size());
        applied.forEach((step, times) -> assertEquals(1L, times, "step " + step + " applied " + times + " times"));
        assertEquals(templatesPerTenant, count(database,
            "SELECT tenant::text, count(*) FROM contract_templates GROUP BY tenant"));
        assertEquals(templateLinesPerTenant, count(database,
            "SELECT tenant::text, count(*) FROM contract_template_lines GROUP BY tenant"));

        List<String> workflows = new ArrayList<>(List.of(run, pushId));
        result.phases().forEach(p -> workflows.add(run + "." + p.phase()));
        for (String workflowId : workflows) {
          String history = client.fetchHistory(workflowId).toJson(false);
          assertFalse(history.contains(TestDatabase.password()), "the password is in the history of " + workflowId);
          assertFalse(history.contains(database.jdbcUrl()), "the JDBC URL is in the history of " + workflowId);
          assertFalse(history.contains(database.user()), "the database user is in the history of " + workflowId);
        }
        assertTrue(workflows.size() >= 4);
      } finally {
        worker.destroyForcibly().waitFor();
      }
    }
  }

  /** A fresh database named as target {@code demo}, holding the legacy schema and data of the example's engine workload. */
  static Targets.Target exampleDatabase() throws Exception {
    Targets.Target database = TestDatabase.newDatabase("demo");
    try (Connection c = TestDatabase.connect(database); Statement s = c.createStatement()) {
      s.execute(DevEnvironment.exampleFile(EXAMPLE, "workload.schema.sql"));
      s.execute(DevEnvironment.exampleFile(EXAMPLE, "workload.data.sql"));
    }
    return database;
  }

  /** The demo plan with its first copy step (a backfill) made slow, so the kill lands in the middle of it. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> slowedPlan() throws Exception {
    Map<String, Object> plan = new Yaml().load(DevEnvironment.exampleFile(EXAMPLE, "workload.plan.yaml"));
    Map<String, Object> step = firstCopyStep(plan);
    step.put("rate", SLOW_RATE);
    return plan;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> firstCopyStep(Map<String, Object> plan) {
    List<Map<String, Object>> phases = (List<Map<String, Object>>) plan.get("phases");
    return ((List<Map<String, Object>>) phases.get(1).get("steps")).get(0);
  }

  static String slowStepId(Map<String, Object> plan) {
    return (String) firstCopyStep(plan).get("id");
  }

  static String dump(Map<String, Object> plan) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(options).dump(plan);
  }

  /** @return the step's state; null while no worker answers */
  static StepState stepState(WorkflowClient client, String run, String stepId) {
    try {
      CutoverStatus status = client.newWorkflowStub(CutoverWorkflow.class, run).status();
      List<StepView> steps = new ArrayList<>();
      status.phases().forEach(p -> steps.addAll(p.steps()));
      if (status.currentPhaseWorkflowId() != null) {
        steps.addAll(client.newWorkflowStub(CutoverPhaseWorkflow.class, status.currentPhaseWorkflowId()).status().steps());
      }
      return steps.stream().filter(s -> s.id().equals(stepId)).map(StepView::state)
          .filter(s -> s != StepState.PENDING).findFirst().orElse(StepState.PENDING);
    } catch (RuntimeException noWorkerYet) {
      return null;
    }
  }

  static String waitingGate(WorkflowClient client, String run) {
    try {
      CutoverStatus status = client.newWorkflowStub(CutoverWorkflow.class, run).status();
      if (status.currentPhaseWorkflowId() == null) {
        return null;
      }
      PhaseStatus phase = client.newWorkflowStub(CutoverPhaseWorkflow.class, status.currentPhaseWorkflowId()).status();
      return phase.pendingGates().isEmpty() ? null : phase.pendingGates().get(0).gate();
    } catch (RuntimeException notYet) {
      return null;
    }
  }

  static Process startWorker(String address, Targets.Target database, int generation) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-jar", "target/cutover.jar", "worker", "--address", address)
        .redirectErrorStream(true)
        .redirectOutput(new File("target/e2e-worker-" + generation + ".out"));
    builder.environment().put("CUTOVER_TARGET_DEMO_URL", database.jdbcUrl());
    builder.environment().put("CUTOVER_TARGET_DEMO_USER", database.user());
    builder.environment().put("CUTOVER_TARGET_DEMO_PASSWORD", database.password());
    return builder.start();
  }

  static Map<String, Long> count(Targets.Target database, String sql) {
    Map<String, Long> counts = new TreeMap<>();
    try (Connection c = TestDatabase.connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return counts;
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
