package cutover.examples;

import cutover.activities.PlanPushRequest;
import cutover.activities.PlanPushResult;
import cutover.activities.Targets;
import cutover.testing.DatabaseState;
import cutover.testing.TestDatabase;
import cutover.worker.CutoverDataConverter;
import cutover.worker.CutoverWorker;
import cutover.worker.DevEnvironment;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.CutoverPhaseWorkflow;
import cutover.workflows.CutoverRequest;
import cutover.workflows.CutoverResult;
import cutover.workflows.CutoverWorkflow;
import cutover.workflows.GateDecision;
import cutover.workflows.OperatorAction;
import cutover.workflows.PhaseStatus;
import cutover.workflows.PlanPushWorkflow;
import cutover.workflows.RunState;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One example of {@code examples/NAME/} run end to end the way a test needs it: Temporal's
 * in-process test server (its clock skips ahead while a {@code wait} or {@code soak} holds), a
 * real worker that allows command steps, and a fresh embedded-PostgreSQL database as target
 * {@code demo} loaded with the example's schema and data. The test approves the gates, looking at
 * the database at each one, and may stop at a gate to roll the run back.
 */
final class ExampleRun implements AutoCloseable {
  static final String APPROVER = "example-test";
  /** How far the clock moves the first time the driver finds a wait or soak holding; twice as far each next time. */
  private static final Duration FIRST_TIME_STEP = Duration.ofMinutes(30);
  private static final Duration STUCK_AFTER = Duration.ofSeconds(60);
  private static final long LOOK_EVERY_MILLIS = 40;

  /** What the test does at a gate waiting for people: look at the database, then approve (true) or stop (false). */
  @FunctionalInterface
  interface AtGate {
    boolean approve(String gate) throws Exception;
  }

  /** What the test does when a step failed and its phase waits: set things right and retry (true), or stop (false). */
  @FunctionalInterface
  interface AtFailure {
    boolean retry(PhaseStatus phase) throws Exception;
  }

  /** One test server for the JVM's example runs (they run one at a time, each with a worker of its own). */
  private static TestWorkflowEnvironment env;
  /** Per example (and its data settings), a database loaded with its schema, data and pushed plan, copied for each run; and its state. */
  private static final Map<String, Map.Entry<Targets.Target, DatabaseState>> LOADED = new HashMap<>();

  private final String example;
  private final Targets targets;
  private final CutoverWorker worker;
  private final Targets.Target database;
  private final DatabaseState original;
  /** Who approves the gates: {@link #APPROVER} unless the plan names its approvers ({@link #approvingAs}). */
  private String approver = APPROVER;

  private ExampleRun(String example, Targets.Target database, DatabaseState original) {
    this.example = example;
    this.database = database;
    this.original = original;
    targets = Targets.of(List.of(database));
    worker = CutoverWorker.start(client(), targets, true);
  }

  /** A fresh copy of the example's database (its plan pushed), and a worker, allowing commands, serving it as target demo. */
  static synchronized ExampleRun of(String example) throws Exception {
    return of(example, Map.of());
  }

  /**
   * As {@link #of(String)}, with session settings set before data.sql runs (an example's data.sql may
   * read its size from one, e.g. {@code cutover.example_contracts}, so a test loads it small).
   */
  static synchronized ExampleRun of(String example, Map<String, String> dataSettings) throws Exception {
    String loadedAs = example + new java.util.TreeMap<>(dataSettings);
    Map.Entry<Targets.Target, DatabaseState> loaded = LOADED.get(loadedAs);
    if (loaded == null) {
      loaded = load(example, dataSettings);
      LOADED.put(loadedAs, loaded);
    }
    return new ExampleRun(example, TestDatabase.copyOf(loaded.getKey(), DevEnvironment.DEMO_TARGET), loaded.getValue());
  }

  /** Loads the example's schema and data into a new database and pushes its plan there (with no problems). */
  private static Map.Entry<Targets.Target, DatabaseState> load(String example, Map<String, String> dataSettings)
      throws Exception {
    Targets.Target database = TestDatabase.newDatabase(DevEnvironment.DEMO_TARGET);
    DatabaseState original;
    try (Connection connection = TestDatabase.connect(database); Statement sql = connection.createStatement()) {
      for (Map.Entry<String, String> setting : dataSettings.entrySet()) {
        try (var set = connection.prepareStatement("SELECT set_config(?, ?, false)")) {
          set.setString(1, setting.getKey());
          set.setString(2, setting.getValue());
          set.execute();
        }
      }
      sql.execute(DevEnvironment.exampleFile(example, "schema.sql"));
      sql.execute(DevEnvironment.exampleFile(example, "data.sql"));
      original = DatabaseState.of(connection);
    }
    try (ExampleRun pushing = new ExampleRun(example, database, original)) {
      PlanPushResult pushed = pushing.client().newWorkflowStub(PlanPushWorkflow.class, WorkflowOptions.newBuilder()
              .setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId("push-" + UUID.randomUUID()).build())
          .push(new PlanPushRequest(DevEnvironment.exampleFile(example, "plan.yaml"),
              "examples/" + example + "/plan.yaml", null, APPROVER));
      if (!pushed.problems().isEmpty()) {
        throw new AssertionError("plan of " + example + " refused: " + pushed.problems());
      }
    }
    return Map.entry(database, original);
  }

  private static synchronized TestWorkflowEnvironment env() {
    if (env == null) {
      env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
          .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(CutoverDataConverter.create())
              .build())
          .build());
      WorkflowRegistration.searchAttributeNames()
          .forEach(name -> env.registerSearchAttribute(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
      env.start();
      Runtime.getRuntime().addShutdownHook(new Thread(env::close, "example-test-server-stop"));
    }
    return env;
  }

  /** Gates are approved as {@code who}, for plans whose approvals name their approvers. */
  ExampleRun approvingAs(String who) {
    approver = who;
    return this;
  }

  Targets.Target database() {
    return database;
  }

  /** The schema and data as loaded, before any run. */
  DatabaseState original() {
    return original;
  }

  DatabaseState now() throws Exception {
    try (Connection connection = TestDatabase.connect(database)) {
      return DatabaseState.of(connection);
    }
  }

  Connection connect() throws Exception {
    return TestDatabase.connect(database);
  }

  WorkflowClient client() {
    return env().getWorkflowClient();
  }

  CutoverWorkflow start(String run, boolean allowFixes) {
    CutoverWorkflow cutover = client().newWorkflowStub(CutoverWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId(run).build());
    WorkflowClient.start(cutover::run, new CutoverRequest(example, DevEnvironment.DEMO_TARGET, null, null, APPROVER,
        allowFixes));
    return cutover;
  }

  /**
   * Drives the run: at each gate waiting for people calls {@code atGate}, then approves it as
   * {@link #APPROVER} (or whom {@link #approvingAs} names); while a wait or soak holds, moves the clock on. A failed step fails the
   * test with the phase's error.
   *
   * @return the gate where {@code atGate} said stop, or null when the run has ended
   */
  String drive(String run, AtGate atGate) throws Exception {
    return drive(run, atGate, phase -> {
      throw new AssertionError("phase " + phase.phase() + " of run " + run + " is " + phase.state() + ": "
          + phase.lastError());
    });
  }

  /**
   * As {@link #drive(String, AtGate)}; when a step fails, {@code atFailure} decides whether to retry it.
   *
   * @return the gate where {@code atGate} said stop, the failed step where {@code atFailure} did, or null when the run has ended
   */
  String drive(String run, AtGate atGate, AtFailure atFailure) throws Exception {
    Set<String> decided = new HashSet<>();
    int retries = 0;
    long stuckSince = System.nanoTime();
    String lastSeen = "";
    Duration timeStep = FIRST_TIME_STEP;
    String phaseWorkflowId = null;
    while (true) {
      // the cutover is asked only between phases: one query a look while a phase runs
      if (phaseWorkflowId == null) {
        if (!running(run)) {
          return null;
        }
        phaseWorkflowId = currentPhase(run);
      }
      PhaseStatus phase = phaseWorkflowId == null ? null : phase(phaseWorkflowId);
      if (phase != null && (phase.state() == RunState.COMPLETED || phase.state() == RunState.ROLLED_BACK)) {
        phaseWorkflowId = null;
        Thread.sleep(LOOK_EVERY_MILLIS);
        continue;
      }
      String seen = phase == null ? "" : phase.phase() + "/" + phase.state() + "/" + phase.currentStep();
      if (!seen.equals(lastSeen)) {
        lastSeen = seen;
        stuckSince = System.nanoTime();
        timeStep = FIRST_TIME_STEP;
      } else if (System.nanoTime() - stuckSince > STUCK_AFTER.toNanos()) {
        throw new AssertionError("run " + run + " made no progress for " + STUCK_AFTER + " at " + seen);
      }
      if (phase != null) {
        switch (phase.state()) {
          case WAITING_APPROVAL -> {
            for (var gate : phase.pendingGates()) {
              if (decided.add(gate.gate())) {
                if (!atGate.approve(gate.gate())) {
                  return gate.gate();
                }
                client().newWorkflowStub(CutoverWorkflow.class, run).approve(new GateDecision(gate.gate(), approver,
                    "approved by the example's end-to-end test", "test-" + gate.gate()));
              }
            }
          }
          case WAITING -> {
            env().sleep(timeStep);
            timeStep = timeStep.multipliedBy(2);
          }
          case FAILED_WAITING -> {
            if (!atFailure.retry(phase)) {
              return phase.currentStep();
            }
            retries++;
            client().newWorkflowStub(CutoverWorkflow.class, run).retry(new OperatorAction(APPROVER,
                "set right by the example's end-to-end test", "retry-" + retries));
            waitUntilNot(phaseWorkflowId, phase);
          }
          case ROLLBACK_FAILED_WAITING -> throw new AssertionError("phase " + phase.phase() + " of run " + run
              + " could not roll back: " + phase.lastError());
          default -> { }
        }
      }
      Thread.sleep(LOOK_EVERY_MILLIS);
    }
  }

  /** Waits until the phase has left the state it is in (a signal was taken). */
  private void waitUntilNot(String phaseWorkflowId, PhaseStatus before) throws InterruptedException {
    long deadline = System.nanoTime() + STUCK_AFTER.toNanos();
    while (System.nanoTime() < deadline) {
      PhaseStatus now = phase(phaseWorkflowId);
      if (now == null || now.state() != before.state()) {
        return;
      }
      Thread.sleep(LOOK_EVERY_MILLIS);
    }
    throw new AssertionError("phase " + phaseWorkflowId + " stayed " + before.state());
  }

  /** Asks the run to roll back and waits for its end. */
  CutoverResult rollBack(String run, String reason) {
    client().newWorkflowStub(CutoverWorkflow.class, run).rollback(new OperatorAction(APPROVER, reason, "rollback-" + run));
    return result(run);
  }

  CutoverResult result(String run) {
    return client().newUntypedWorkflowStub(run).getResult(CutoverResult.class);
  }

  /** The workflow id of the run's current phase, or null between phases (or before the first). */
  private String currentPhase(String run) {
    try {
      return client().newWorkflowStub(CutoverWorkflow.class, run).status().currentPhaseWorkflowId();
    } catch (RuntimeException notYet) {
      return null; // the workflow has not run its first task
    }
  }

  private PhaseStatus phase(String phaseWorkflowId) {
    try {
      return client().newWorkflowStub(CutoverPhaseWorkflow.class, phaseWorkflowId).status();
    } catch (RuntimeException notYet) {
      return null; // the child has not started
    }
  }

  private boolean running(String run) {
    WorkflowExecutionStatus status = env().getWorkflowServiceStubs().blockingStub()
        .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(env().getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(run).build()).build())
        .getWorkflowExecutionInfo().getStatus();
    return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  @Override
  public void close() {
    worker.close();
    targets.close();
  }
}
