package cutover.examples;

import cutover.activities.PlanPushRequest;
import cutover.activities.PlanPushResult;
import cutover.activities.Targets;
import cutover.testing.DatabaseState;
import cutover.testing.TestDatabase;
import cutover.worker.CutoverDataConverter;
import cutover.worker.CutoverWorker;
import cutover.worker.DevEnvironment;
import cutover.worker.ExampleTargets;
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
import cutover.activities.steps.StepKinds;
import cutover.activities.steps.soak.SoakSpec;
import cutover.plan.PlanParser;
import cutover.workflows.OperatorSignal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One example of {@code examples/NAME/} run end to end the way a test needs it: Temporal's
 * in-process test server (its clock skips ahead while a {@code wait} or {@code soak} holds), a
 * real worker that allows command steps, and a fresh embedded-PostgreSQL database as target
 * {@code demo} loaded with the example's schema and data (and one per other target its
 * {@code targets.yaml} declares). The test approves the gates, looking at the database at each
 * one (and after each phase), and may stop at a gate to roll the run back.
 */
final class ExampleRun implements AutoCloseable {
  static final String APPROVER = "example-test";
  /** How far the clock moves the first time the driver finds a wait or soak holding; twice as far each next time. */
  private static final Duration FIRST_TIME_STEP = Duration.ofMinutes(30);
  private static final Duration STUCK_AFTER = Duration.ofSeconds(60);
  private static final long LOOK_EVERY_MILLIS = 40;
  /** A wait's outcome while it holds names the instant it fires at: the clock moves straight there. */
  private static final Pattern WAITING_UNTIL = Pattern.compile("waiting until (\\S+?Z)\\b");

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

  /** What the test does when a phase has completed: look at the database (the next phase has not begun its work). */
  @FunctionalInterface
  interface AtPhaseEnd {
    void ended(String phase) throws Exception;
  }

  /** One test server for the JVM's example runs (they run one at a time, each with a worker of its own). */
  private static TestWorkflowEnvironment env;
  /** Per example (and its data settings), a database loaded with its schema, data and pushed plan, copied for each run; and its state. */
  private static final Map<String, Loaded> LOADED = new HashMap<>();

  /** An example's loaded databases: demo's with its state, and one per target of its {@code targets.yaml}. */
  private record Loaded(Targets.Target database, DatabaseState original, List<Targets.Target> others) {}

  private final String example;
  private final Targets targets;
  private final CutoverWorker worker;
  private final Targets.Target database;
  private final DatabaseState original;
  private final Map<String, Targets.Target> others = new HashMap<>();
  /** The soaks checked more often than hourly: their checks wait in real time inside an activity, so the driver skips them. */
  private final Set<String> realTimeSoaks;
  /**
   * The shared test server; or, for an example with real-time soaks, one of this run's own: a
   * skipped soak leaves its cancelled check activity holding the test server's time-skipping lock
   * (the server releases it only when the activity reports, and the soak's workflow has ended by
   * then), so time no longer skips there, and the driver skips this run's waits as the demo does.
   */
  private final TestWorkflowEnvironment testEnv;
  /** Who approves the gates: {@link #APPROVER} unless the plan names its approvers ({@link #approvingAs}). */
  private String approver = APPROVER;

  /** @param pushing only to push the plan, which runs no soak: on the shared test server */
  private ExampleRun(String example, Targets.Target database, DatabaseState original, List<Targets.Target> others,
      boolean pushing) throws Exception {
    this.example = example;
    this.database = database;
    this.original = original;
    others.forEach(other -> this.others.put(other.name(), other));
    List<Targets.Target> all = new ArrayList<>(others);
    all.add(database);
    targets = Targets.of(all);
    realTimeSoaks = realTimeSoaks(example, this.others.keySet());
    testEnv = pushing || realTimeSoaks.isEmpty() ? env() : newEnvironment();
    worker = CutoverWorker.start(client(), targets, true);
  }

  /**
   * A fresh copy of the example's database (its plan pushed), and a worker, allowing commands, serving it as target
   * demo; and a fresh copy of each other target its {@code targets.yaml} declares, which the worker knows too.
   */
  static synchronized ExampleRun of(String example) throws Exception {
    return of(example, Map.of());
  }

  /**
   * As {@link #of(String)}, with session settings set before data.sql runs (an example's data.sql may
   * read its size from one, e.g. {@code cutover.example_contracts}, so a test loads it small).
   */
  static synchronized ExampleRun of(String example, Map<String, String> dataSettings) throws Exception {
    String loadedAs = example + new java.util.TreeMap<>(dataSettings);
    Loaded loaded = LOADED.get(loadedAs);
    if (loaded == null) {
      loaded = load(example, dataSettings);
      LOADED.put(loadedAs, loaded);
    }
    List<Targets.Target> others = new ArrayList<>();
    for (Targets.Target other : loaded.others()) {
      Targets.Target copy = TestDatabase.copyOf(other, other.name());
      others.add(new Targets.Target(copy.name(), copy.jdbcUrl(), copy.user(), copy.password(), other.served()));
    }
    return new ExampleRun(example, TestDatabase.copyOf(loaded.database(), DevEnvironment.DEMO_TARGET),
        loaded.original(), others, false);
  }

  /** Loads the example's schema and data into a new database and pushes its plan there (with no problems). */
  private static Loaded load(String example, Map<String, String> dataSettings) throws Exception {
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
    List<Targets.Target> others = new ArrayList<>();
    for (ExampleTargets.Declared declared : ExampleTargets.declared(example)) {
      Targets.Target other = TestDatabase.newDatabase(declared.name());
      try (Connection connection = TestDatabase.connect(other)) {
        ExampleTargets.load(connection, example, declared);
      }
      others.add(new Targets.Target(other.name(), other.jdbcUrl(), other.user(), other.password(), declared.serve()));
    }
    try (ExampleRun pushing = new ExampleRun(example, database, original, others, true)) {
      PlanPushResult pushed = pushing.client().newWorkflowStub(PlanPushWorkflow.class, WorkflowOptions.newBuilder()
              .setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId("push-" + UUID.randomUUID()).build())
          .push(new PlanPushRequest(DevEnvironment.exampleFile(example, "plan.yaml"),
              "examples/" + example + "/plan.yaml", null, APPROVER));
      if (!pushed.problems().isEmpty()) {
        throw new AssertionError("plan of " + example + " refused: " + pushed.problems());
      }
    }
    return new Loaded(database, original, List.copyOf(others));
  }

  private static Set<String> realTimeSoaks(String example, Set<String> others) throws Exception {
    Set<String> known = new HashSet<>(others);
    known.add(DevEnvironment.DEMO_TARGET);
    Set<String> soaks = new HashSet<>();
    PlanParser.parse(DevEnvironment.exampleFile(example, "plan.yaml"), "examples/" + example + "/plan.yaml", known,
        StepKinds.ALL).phases().forEach(phase -> phase.steps().forEach(step -> {
          if (step.spec() instanceof SoakSpec soak && soak.checksWaitInsideAnActivity()) {
            soaks.add(step.id());
          }
        }));
    return soaks;
  }

  private static synchronized TestWorkflowEnvironment env() {
    if (env == null) {
      env = newEnvironment();
      Runtime.getRuntime().addShutdownHook(new Thread(env::close, "example-test-server-stop"));
    }
    return env;
  }

  private static TestWorkflowEnvironment newEnvironment() {
    TestWorkflowEnvironment started = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(CutoverDataConverter.create())
            .build())
        .build());
    WorkflowRegistration.searchAttributeNames()
        .forEach(name -> started.registerSearchAttribute(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    started.start();
    return started;
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

  /** This run's copy of another target the example's {@code targets.yaml} declares. */
  Targets.Target target(String name) {
    Targets.Target other = others.get(name);
    if (other == null) {
      throw new IllegalArgumentException("example " + example + " declares no target " + name + ": " + others.keySet());
    }
    return other;
  }

  Connection connect() throws Exception {
    return TestDatabase.connect(database);
  }

  /** The test server's clock, which skipped waits have moved on: instants T are counted from it. */
  Instant clock() {
    return Instant.ofEpochMilli(testEnv.currentTimeMillis());
  }

  WorkflowClient client() {
    return testEnv.getWorkflowClient();
  }

  CutoverWorkflow start(String run, boolean allowFixes) {
    CutoverWorkflow cutover = client().newWorkflowStub(CutoverWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId(run).build());
    WorkflowClient.start(cutover::run, new CutoverRequest(example, DevEnvironment.DEMO_TARGET, null, null, APPROVER,
        allowFixes));
    return cutover;
  }

  /** As {@link #start(String, boolean)}, with the run's instant T ({@code cutover start --instant}). */
  CutoverWorkflow start(String run, boolean allowFixes, Instant instant) {
    CutoverWorkflow cutover = client().newWorkflowStub(CutoverWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId(run).build());
    WorkflowClient.start(cutover::run, new CutoverRequest(example, DevEnvironment.DEMO_TARGET, null, null, APPROVER,
        allowFixes, instant.toString()));
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
    return drive(run, atGate, atFailure, phase -> { });
  }

  /**
   * As {@link #drive(String, AtGate, AtFailure)}; as each phase completes, {@code atPhaseEnd} looks at the database
   * (before the clock moves on: a next phase that opens with a wait has done nothing yet).
   */
  String drive(String run, AtGate atGate, AtFailure atFailure, AtPhaseEnd atPhaseEnd) throws Exception {
    Set<String> decided = new HashSet<>();
    Set<String> ended = new HashSet<>(); // the cutover may name a phase as current for a moment after it ended
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
        if (phase.state() == RunState.COMPLETED && ended.add(phase.phase())) {
          atPhaseEnd.ended(phase.phase());
        }
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
          case RUNNING -> {
            if (realTimeSoaks.contains(phase.currentStep()) && decided.add("skip " + phase.currentStep())) {
              skipAfterFirstCheck(run, phase.currentStep());
            }
          }
          case WAITING -> {
            if (realTimeSoaks.isEmpty()) {
              Instant firesAt = firesAt(phase);
              if (firesAt != null && firesAt.isAfter(clock())) {
                testEnv.sleep(Duration.between(clock(), firesAt).plusSeconds(1));
              } else {
                testEnv.sleep(timeStep);
                timeStep = timeStep.multipliedBy(2);
              }
            } else if (realTimeSoaks.contains(phase.currentStep())) {
              if (decided.add("skip " + phase.currentStep())) {
                skipAfterFirstCheck(run, phase.currentStep());
              }
            } else if (decided.add("skip " + phase.currentStep())) {
              skip(run, phase.currentStep(), "skipped by the example's end-to-end test: time does not skip on this"
                  + " run's test server");
            }
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

  /** When the wait the phase holds at fires, as its outcome says ({@code waiting until 2027-01-08T09:00:00Z ...}); null for a soak. */
  private static Instant firesAt(PhaseStatus phase) {
    for (var step : phase.steps()) {
      if (step.id().equals(phase.currentStep()) && step.outcome() != null) {
        Matcher until = WAITING_UNTIL.matcher(step.outcome());
        if (until.lookingAt()) {
          return OffsetDateTime.parse(until.group(1)).toInstant();
        }
      }
    }
    return null;
  }

  /**
   * A soak checked more often than hourly runs its checks in an activity that waits between them
   * in real time, which skipped time does not shorten: once its first check has held (its report
   * is in the ledger) the driver skips the rest, as the demo does.
   */
  private void skipAfterFirstCheck(String run, String soak) throws Exception {
    long deadline = System.nanoTime() + STUCK_AFTER.toNanos();
    try (Connection c = connect(); PreparedStatement checked = c.prepareStatement(
        "SELECT count(*) FROM cutover.step_report WHERE run_id = ? AND step_id = ? AND passed")) {
      checked.setString(1, run);
      checked.setString(2, soak);
      while (true) {
        try (ResultSet rows = checked.executeQuery()) {
          rows.next();
          if (rows.getLong(1) > 0) {
            break;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("soak " + soak + " of run " + run + " ran no clean check within " + STUCK_AFTER);
        }
        Thread.sleep(LOOK_EVERY_MILLIS);
      }
    }
    skip(run, soak, "skipped by the example's end-to-end test after its first clean check");
  }

  private void skip(String run, String gate, String comment) {
    client().newUntypedWorkflowStub(run).signal(OperatorSignal.SKIP.word(), new GateDecision(gate, APPROVER, comment,
        "skip-" + gate));
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
    WorkflowExecutionStatus status = testEnv.getWorkflowServiceStubs().blockingStub()
        .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(testEnv.getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(run).build()).build())
        .getWorkflowExecutionInfo().getStatus();
    return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  @Override
  public void close() {
    worker.close();
    targets.close();
    if (testEnv != env) {
      testEnv.close();
    }
  }
}
