package cutover.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.steps.sql.SqlSpec;
import cutover.plan.Phase;
import cutover.plan.Plan;
import cutover.plan.PlanStep;
import cutover.plan.Waves;
import cutover.worker.CutoverDataConverter;
import cutover.worker.WorkflowRegistration;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenant waves on Java's test server with fake steps: canary, waves, the concurrency cap, the
 * failure budget, approvals between waves, a worker replaced mid-wave, rollback of the keys
 * touched, the status summary, and the history a thousand keys leave.
 */
class TenantWavesTest {
  private TestWorkflowEnvironment env;
  private WorkerFactory factory;

  @BeforeEach
  void environment() {
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(CutoverDataConverter.create()).build())
        .build());
    WorkflowRegistration.searchAttributeNames()
        .forEach(name -> env.registerSearchAttribute(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    env.start();
  }

  @AfterEach
  void close() {
    if (factory != null) {
      factory.shutdownNow();
      factory.awaitTermination(5, TimeUnit.SECONDS);
    }
    env.close();
  }

  /** A worker as `cutover worker` starts one against Java's test server: its own factory, so the test can replace it. */
  private void startWorker(WaveFakes fakes) {
    factory = WorkerFactory.newInstance(env.getWorkflowClient());
    WorkerOptions options = WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO).build();
    Worker workflows = factory.newWorker(WorkflowRegistration.TASK_QUEUE, options);
    WorkflowRegistration.register(workflows);
    fakes.serveOn(workflows, factory.newWorker(TargetTaskQueue.of("demo"), options));
    factory.start();
  }

  static List<String> tenants(int count) {
    return IntStream.rangeClosed(1, count).mapToObj(i -> String.format("t%02d", i)).toList();
  }

  static Plan plan(Waves waves, String... steps) {
    List<PlanStep> planSteps = new ArrayList<>();
    for (String id : steps) {
      planSteps.add(new PlanStep(id, null, "undo " + id, false, false,
          new SqlSpec("UPDATE t SET moved = true WHERE tenant = current_setting('cutover.key')"), 1));
    }
    return new Plan("tenants", "demo", null, List.of(new Phase("move", null, planSteps, waves)));
  }

  private CutoverWorkflow start(String id) {
    CutoverWorkflow cutover = env.getWorkflowClient().newWorkflowStub(CutoverWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(WorkflowRegistration.TASK_QUEUE).build());
    WorkflowClient.start(cutover::run, new CutoverRequest("tenants", "demo", null, null, "carol"));
    return cutover;
  }

  private PhaseStatus awaitPhase(String phaseId, Predicate<PhaseStatus> condition) {
    return CutoverWorkflowTest.awaitPhase(env.getWorkflowClient(), phaseId, s -> s.waves() != null && condition.test(s));
  }

  private void approve(CutoverWorkflow cutover, String gate) {
    cutover.approve(new GateDecision(gate, "alice", "the last wave is clean", null));
  }

  @Test
  void fiftyTenantsInWavesStopAtTheThirdFailureAndRollBackTheTenantsTouched() {
    List<String> tenants = tenants(50);
    Waves waves = new Waves("SELECT tenant FROM tenants ORDER BY 1", List.of("t01", "t02"), 0, 10, 3, 2, true, null);
    WaveFakes fakes = new WaveFakes(plan(waves, "copy", "switch"), tenants);
    fakes.failingKeys.addAll(List.of("t15", "t16", "t17")); // in wave 2: t13..t22
    startWorker(fakes);
    CutoverWorkflow cutover = start("waves");

    PhaseStatus atWave1 = awaitPhase("waves.move", s -> !s.pendingGates().isEmpty());
    assertEquals("move.wave-1", atWave1.pendingGates().get(0).gate());
    WaveSummary summary = atWave1.waves();
    assertEquals(50, summary.keys());
    assertEquals(2, summary.done(), "the canary ran first");
    assertEquals(48, summary.waiting());
    assertEquals(6, summary.waves(), "canary, then 48 keys in waves of 10");
    assertEquals("wave 1", summary.currentWave().label());
    assertTrue(summary.currentWave().state().startsWith("waiting for approval"), summary.currentWave().state());
    assertEquals(Set.of("t01", "t02"), fakes.keysTouched, "nothing ran past the canary before the approval");

    approve(cutover, "move.wave-1");
    awaitPhase("waves.move", s -> s.pendingGates().stream().anyMatch(g -> g.gate().equals("move.wave-2")));
    assertEquals(12, fakes.keysTouched.size());
    approve(cutover, "move.wave-2");

    PhaseStatus failed = awaitPhase("waves.move", s -> s.state() == RunState.FAILED_WAITING);
    summary = failed.waves();
    assertEquals(3, summary.failed());
    assertEquals(Set.of("t15", "t16", "t17"), Set.copyOf(summary.failedKeys().stream().map(WaveSummary.KeyFailure::key).toList()));
    assertTrue(summary.failedKeys().get(0).error().contains("has rows the copy refuses"), summary.failedKeys().get(0).error());
    assertTrue(failed.lastError().contains("the failure budget of 2 is spent"), failed.lastError());
    assertTrue(failed.lastError().contains("key t1"), failed.lastError());
    assertTrue(fakes.mostAtOnce.get() <= 3, "at most 3 keys at once, saw " + fakes.mostAtOnce.get());
    // the third failure stopped the wave: no key after it started, the later waves untouched
    for (String untouched : tenants.subList(22, 50)) {
      assertFalse(fakes.keysTouched.contains(untouched), untouched + " was touched");
    }
    assertEquals(50 - fakes.keysTouched.size(), summary.waiting(), "every key not touched waits");
    assertEquals(1, fakes.keyQueries.get(), "the keys were listed once");
    System.out.printf("waves: at most %d keys ran at once; %d keys touched before the budget ran out%n",
        fakes.mostAtOnce.get(), fakes.keysTouched.size());

    Set<String> touched = Set.copyOf(fakes.keysTouched);
    cutover.rollback(new OperatorAction("alice", "three tenants refused"));
    CutoverResult result = WorkflowStub.fromTyped(cutover).getResult(CutoverResult.class);
    assertEquals(RunState.ROLLED_BACK, result.state());
    assertEquals(touched, fakes.keysTouched, "the rollback touched no key the waves had not");
    for (String key : touched) {
      int switchUndone = fakes.compensated.indexOf("switch[" + key + "]");
      int copyUndone = fakes.compensated.indexOf("copy[" + key + "]");
      assertTrue(switchUndone >= 0 && copyUndone > switchUndone, key + ": its steps are undone last first: "
          + fakes.compensated);
    }
    WaveSummary after = env.getWorkflowClient().newWorkflowStub(CutoverPhaseWorkflow.class, "waves.move").status().waves();
    assertEquals(touched.size(), after.rolledBack());
    assertEquals(0, after.done());
  }

  @Test
  void aReplacedWorkerGoesOnMidWaveWithoutRedoingDoneKeysAndABadStopChangesNothing() throws Exception {
    List<String> tenants = tenants(30);
    WaveFakes fakes = new WaveFakes(plan(new Waves("SELECT tenant FROM tenants", List.of(), 2, 10, 3, 0, false, null),
        "copy", "switch"), tenants);
    fakes.heldKey = "t12"; // the last key of wave 1
    fakes.release = new CountDownLatch(1);
    startWorker(fakes);
    CutoverWorkflow cutover = start("restart");
    assertTrue(fakes.holding.await(20, TimeUnit.SECONDS));

    String wave = "restart/move#wave-1";
    WorkflowStub waveStub = env.getWorkflowClient().newUntypedWorkflowStub(wave);
    for (Object bad : new Object[] {"stop now", List.of(), Map.of(), Map.of("by", List.of(1)), 42}) {
      waveStub.signal(WaveWorkflow.STOP, bad);
    }
    WaveWorkflow typedWave = env.getWorkflowClient().newWorkflowStub(WaveWorkflow.class, wave);
    WaveProgress progress = awaitWave(typedWave, p -> p.answers().size() == 5);
    assertFalse(progress.stopped(), "no bad stop stopped the wave");
    assertTrue(progress.answers().stream().noneMatch(SignalAnswer::accepted));
    assertTrue(progress.running().contains("t12"), progress.running().toString());

    // the worker goes away while t12 runs; a new one takes the run up
    Thread stopping = new Thread(factory::shutdown);
    stopping.start();
    fakes.release.countDown();
    stopping.join();
    factory.awaitTermination(10, TimeUnit.SECONDS);
    startWorker(fakes);

    CutoverResult result = WorkflowStub.fromTyped(cutover).getResult(CutoverResult.class);
    assertEquals(RunState.COMPLETED, result.state());
    assertEquals(List.of(), fakes.appliedAgain, "no key's step ran twice");
    assertEquals(60, fakes.applied.size());
    assertEquals(1, fakes.keyQueries.get());
    WaveSummary summary = env.getWorkflowClient().newWorkflowStub(CutoverPhaseWorkflow.class, "restart.move").status().waves();
    assertEquals(30, summary.done());
    assertEquals(4, summary.wavesEnded());
  }

  @Test
  void aRollbackOfTheCutoverUndoesTheKeysOfAWavePhaseBeforeIt() {
    Plan waves = plan(new Waves("SELECT tenant FROM tenants", List.of(), 0, 2, 2, 0, false, null), "copy");
    Plan plan = new Plan("tenants", "demo", null, List.of(waves.phases().get(0),
        new Phase("finish", null, List.of(CutoverWorkflowTest.sql("f")))));
    WaveFakes fakes = new WaveFakes(plan, tenants(5));
    fakes.failingSteps.add("f");
    startWorker(fakes);
    CutoverWorkflow cutover = start("across");
    CutoverWorkflowTest.awaitPhase(env.getWorkflowClient(), "across.finish", s -> s.state() == RunState.FAILED_WAITING);
    cutover.rollback(new OperatorAction("alice", "finish failed"));
    CutoverResult result = WorkflowStub.fromTyped(cutover).getResult(CutoverResult.class);
    assertEquals(RunState.ROLLED_BACK, result.state());
    assertEquals(Set.of("f", "copy[t01]", "copy[t02]", "copy[t03]", "copy[t04]", "copy[t05]"), Set.copyOf(fakes.compensated));
    assertEquals("f", fakes.compensated.get(0), "the later phase is undone first");
    // keys undone last started first, a wave of 2 at a time (2 at once): t05 and t04, then t03 and t02, then t01
    assertEquals(Set.of("copy[t05]", "copy[t04]"), Set.copyOf(fakes.compensated.subList(1, 3)), fakes.compensated.toString());
    assertEquals(Set.of("copy[t03]", "copy[t02]"), Set.copyOf(fakes.compensated.subList(3, 5)), fakes.compensated.toString());
    assertEquals("copy[t01]", fakes.compensated.get(5));
  }

  private static WaveProgress awaitWave(WaveWorkflow wave, Predicate<WaveProgress> condition) {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      WaveProgress progress = wave.status();
      if (condition.test(progress)) {
        return progress;
      }
      CutoverWorkflowTest.sleep(20);
    }
    throw new AssertionError("the wave never reached the expected state");
  }

  /**
   * 30 keys by default (a few seconds); {@code -Dwaves.keys=1000} measures a thousand (25 s on two
   * busy cores), as the README reports.
   */
  @Test
  void manyKeysKeepEveryHistoryBounded() {
    int count = Integer.getInteger("waves.keys", 30);
    List<String> keys = IntStream.rangeClosed(1, count).mapToObj(i -> "k" + i).toList();
    WaveFakes fakes = new WaveFakes(plan(new Waves("SELECT k FROM keys", List.of(), 10, 100, 20, 0, false, null),
        "copy"), keys);
    fakes.applyMillis = 0;
    startWorker(fakes);
    long started = System.nanoTime();
    CutoverWorkflow cutover = start("thousand");
    CutoverResult result = WorkflowStub.fromTyped(cutover).getResult(CutoverResult.class);
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(RunState.COMPLETED, result.state());
    assertEquals(count, fakes.applied.size());

    int cutoverEvents = events("thousand");
    int phaseEvents = events("thousand.move");
    int mostInAWave = 0;
    for (int wave = 1; wave <= (count - 10 + 99) / 100; wave++) {
      mostInAWave = Math.max(mostInAWave, events("thousand/move#wave-" + wave));
    }
    int keyEvents = events("thousand/move/k" + count / 2);
    System.out.printf("history events for %,d keys (canary 10, waves of 100, 20 at once): cutover %d, phase %d, "
        + "largest wave %d, one key %d; ran in %d ms%n", count, cutoverEvents, phaseEvents, mostInAWave, keyEvents, millis);
    assertTrue(phaseEvents < 300, "the phase grows per wave, not per key: " + phaseEvents);
    assertTrue(mostInAWave < 1000, "a wave grows per key of its own: " + mostInAWave);
    assertNotNull(result);
  }

  private int events(String workflowId) {
    return env.getWorkflowClient().fetchHistory(workflowId).getHistory().getEventsCount();
  }
}
