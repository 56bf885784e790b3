package cutover.workflows;

import cutover.activities.steps.StepKinds;
import cutover.activities.steps.approval.ApprovalSpec;
import cutover.activities.steps.backfill.BackfillSpec;
import cutover.activities.steps.sql.SqlSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.DecisionRecord;
import cutover.activities.RunEvent;
import cutover.activities.RunEventKind;
import cutover.activities.steps.Decision;
import cutover.activities.steps.StepState;
import cutover.activities.TuneRecord;
import cutover.plan.Phase;
import cutover.plan.Plan;
import cutover.plan.PlanStep;
import cutover.worker.CutoverDataConverter;
import cutover.worker.WorkflowRegistration;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Workflow logic with activities faked: the order of things, people, failure and rollback. */
class CutoverWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension temporal = extension();

  /** Cutover's workflows on the in-process test server, with its data converter and search attributes; started by the test. */
  static TestWorkflowExtension extension() {
    return withSearchAttributes(TestWorkflowExtension.newBuilder())
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(CutoverDataConverter.create()).build())
        .registerWorkflowImplementationTypes(WorkflowRegistration.OPTIONS, WorkflowRegistration.TYPES.toArray(Class<?>[]::new))
        .setDoNotStart(true)
        .build();
  }

  static TestWorkflowExtension.Builder withSearchAttributes(TestWorkflowExtension.Builder builder) {
    WorkflowRegistration.searchAttributeNames()
        .forEach(name -> builder.registerSearchAttribute(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
    return builder;
  }

  static final Plan PLAN = new Plan("three-phases", "demo", null, List.of(
      new Phase("introduce", null, List.of(sql("a"), sql("b"))),
      new Phase("copy", null, List.of(sql("c"),
          new PlanStep("go", "go / no-go", null, false, false,
              new ApprovalSpec(List.of("alice", "bob"), null, null), 1),
          sql("d"))),
      new Phase("finish", null, List.of(
          new PlanStep("e", null, null, true, true, new SqlSpec("drop"), 1), sql("f")))));

  static PlanStep sql(String id) {
    return new PlanStep(id, null, "undo " + id, false, false, new SqlSpec("do " + id), 1);
  }

  private String taskQueue;

  FakeActivities start(TestWorkflowEnvironment env, Worker worker) {
    return start(env, worker, PLAN);
  }

  FakeActivities start(TestWorkflowEnvironment env, Worker worker, Plan plan) {
    taskQueue = worker.getTaskQueue();
    FakeActivities fake = new FakeActivities(plan);
    fake.serveOn(env, worker);
    env.start();
    return fake;
  }

  CutoverWorkflow startCutover(WorkflowClient client, String id) {
    return startCutover(client, id, "three-phases");
  }

  CutoverWorkflow startCutover(WorkflowClient client, String id, String plan) {
    CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(taskQueue).build());
    WorkflowClient.start(cutover::run, new CutoverRequest(plan, "demo", null, null, "carol"));
    return cutover;
  }

  static PhaseStatus awaitPhase(WorkflowClient client, String phaseWorkflowId, Predicate<PhaseStatus> condition) {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        PhaseStatus status = client.newWorkflowStub(CutoverPhaseWorkflow.class, phaseWorkflowId).status();
        if (condition.test(status)) {
          return status;
        }
      } catch (RuntimeException notYetStarted) {
        // the child starts a moment later
      }
      sleep(50);
    }
    throw new AssertionError("phase " + phaseWorkflowId + " never reached the expected state");
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static CutoverResult result(CutoverWorkflow cutover) {
    return WorkflowStub.fromTyped(cutover).getResult(CutoverResult.class);
  }

  @Test
  void runsPhasesAndStepsInPlanOrderThroughTheApproval(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    FakeActivities fake = start(env, worker);
    CutoverWorkflow cutover = startCutover(client, "order");

    PhaseStatus waiting = awaitPhase(client, "order.copy", s -> s.state() == RunState.WAITING_APPROVAL);
    assertEquals("go", waiting.pendingGates().get(0).gate());
    assertEquals(List.of("a", "b", "c"), fake.applied);
    assertEquals(List.of("c"), waiting.rollbackWouldUndo());
    assertEquals(List.of("b", "a"), cutover.status().earlierPhasesRollbackWouldUndo());
    cutover.approve(new GateDecision("go", "alice", "parity clean", "r1"));

    CutoverResult result = result(cutover);
    assertEquals(RunState.COMPLETED, result.state());
    assertEquals(List.of("a", "b", "c", "d", "e", "f"), fake.applied);
    assertEquals(List.of("introduce", "copy", "finish"), result.phases().stream().map(PhaseResult::phase).toList());
    assertEquals("completed", fake.endedRuns.get("order"));
    assertEquals(1, fake.decisions.size());
    assertTrue(fake.decisions.get(0).accepted());
  }

  @Test
  void refusesAnApproverThePlanDoesNotName(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    FakeActivities fake = start(env, worker);
    CutoverWorkflow cutover = startCutover(client, "refused");
    awaitPhase(client, "refused.copy", s -> s.state() == RunState.WAITING_APPROVAL);

    cutover.approve(new GateDecision("go", "mallory", "looks fine", "r1"));
    PhaseStatus after = awaitPhase(client, "refused.copy", s -> !s.decisions().isEmpty());
    DecisionView refused = after.decisions().get(0);
    assertFalse(refused.accepted());
    assertTrue(refused.refusal().contains("mallory may not decide gate 'go'"), refused.refusal());
    assertEquals(RunState.WAITING_APPROVAL, after.state());

    cutover.approve(new GateDecision("go", "bob", null, "r2"));
    assertEquals(RunState.COMPLETED, result(cutover).state());
    List<DecisionRecord> recorded = fake.decisions;
    assertEquals(2, recorded.size());
    assertFalse(recorded.get(0).accepted());
    assertEquals("mallory", recorded.get(0).decidedBy());
    assertTrue(recorded.get(1).accepted());
  }

  @Test
  void pausesOnAFailedStepUntilRetried(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    FakeActivities fake = start(env, worker);
    fake.failNext("b", 1);
    CutoverWorkflow cutover = startCutover(client, "retry");

    PhaseStatus failed = awaitPhase(client, "retry.introduce", s -> s.state() == RunState.FAILED_WAITING);
    assertTrue(failed.lastError().contains("step 'b' failed: injected"), failed.lastError());
    assertEquals("step 'b' failed: injected", failed.lastError(), "the activity's message names the step once");
    assertEquals(List.of("a"), fake.applied);

    cutover.retry(new OperatorAction("carol", "fixed the permissions"));
    awaitPhase(client, "retry.copy", s -> s.state() == RunState.WAITING_APPROVAL);
    cutover.approve(new GateDecision("go", "alice", null, null));
    assertEquals(RunState.COMPLETED, result(cutover).state());
    assertEquals(List.of("a", "b", "c", "d", "e", "f"), fake.applied);
    assertTrue(fake.events.stream().anyMatch(e -> RunEventKind.RETRY.word().equals(e.kind()) && "carol".equals(e.actor())));
  }

  @Test
  void rollsBackCompletedStepsInReverseOrderAcrossPhases(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    FakeActivities fake = start(env, worker);
    fake.failNext("d", 1);
    CutoverWorkflow cutover = startCutover(client, "rollback");
    awaitPhase(client, "rollback.copy", s -> s.state() == RunState.WAITING_APPROVAL);
    cutover.approve(new GateDecision("go", "alice", null, null));
    awaitPhase(client, "rollback.copy", s -> s.state() == RunState.FAILED_WAITING);

    cutover.rollback(new OperatorAction("carol", "d is broken"));
    CutoverResult result = result(cutover);
    assertEquals(RunState.ROLLED_BACK, result.state());
    // d was attempted (its outcome could have been unknown), so it is asked too; the ledger knows it never applied.
    assertEquals(List.of("d", "c", "b", "a"), fake.compensated);
    assertEquals("rolled_back", fake.endedRuns.get("rollback"));
    assertFalse(fake.applied.contains("e"));
  }

  @Test
  void refusesRollbackAfterThePointOfNoReturn(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    FakeActivities fake = start(env, worker);
    fake.failNext("f", 1);
    CutoverWorkflow cutover = startCutover(client, "ponr");
    awaitPhase(client, "ponr.copy", s -> s.state() == RunState.WAITING_APPROVAL);
    cutover.approve(new GateDecision("go", "alice", null, null));
    awaitPhase(client, "ponr.finish", s -> s.state() == RunState.FAILED_WAITING);

    cutover.rollback(new OperatorAction("carol", "abort"));
    PhaseStatus refused = awaitPhase(client, "ponr.finish",
        s -> s.notices().stream().anyMatch(n -> n.contains("rollback refused")));
    assertTrue(refused.notices().stream().anyMatch(n -> n.contains("step 'e' is the point of no return")),
        refused.notices().toString());
    assertEquals(RunState.FAILED_WAITING, refused.state());
    assertTrue(fake.compensated.isEmpty());

    cutover.retry(new OperatorAction("carol", null));
    assertEquals(RunState.COMPLETED, result(cutover).state());
    assertTrue(fake.events.stream().anyMatch(e -> RunEventKind.ROLLBACK_REFUSED.word().equals(e.kind())));
  }

  @Test
  void anEmptyDecisionIsAnsweredAsRefusedAndTheGateStillWaits(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    start(env, worker);
    CutoverWorkflow cutover = startCutover(client, "empty");
    awaitPhase(client, "empty.copy", s -> s.state() == RunState.WAITING_APPROVAL);
    // the Temporal UI sends an empty approve as a null payload
    client.newUntypedWorkflowStub("empty.copy").signal(OperatorSignal.APPROVE.word(), (Object) null);
    PhaseStatus after = awaitPhase(client, "empty.copy", s -> !s.answers().isEmpty());
    SignalAnswer answer = after.answers().get(0);
    assertEquals(OperatorSignal.APPROVE, answer.signal());
    assertFalse(answer.accepted());
    assertTrue(answer.message().contains("a decision must say who makes it"), answer.message());
    assertEquals(RunState.WAITING_APPROVAL, after.state());

    cutover.approve(new GateDecision("go", "alice", null, "a1"));
    assertEquals(RunState.COMPLETED, result(cutover).state());
  }

  @Test
  void aRejectedGateWaitsForRollback(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    FakeActivities fake = start(env, worker);
    CutoverWorkflow cutover = startCutover(client, "reject");
    awaitPhase(client, "reject.copy", s -> s.state() == RunState.WAITING_APPROVAL);
    cutover.reject(new GateDecision("go", "bob", "counts differ for tenant 2", null));
    PhaseStatus rejected = awaitPhase(client, "reject.copy", s -> s.state() == RunState.FAILED_WAITING);
    assertTrue(rejected.lastError().contains("rejected by bob: counts differ"), rejected.lastError());

    cutover.rollback(new OperatorAction("bob", null));
    assertEquals(RunState.ROLLED_BACK, result(cutover).state());
    assertEquals(List.of("c", "b", "a"), fake.compensated);
  }

  @Test
  void aRollbackAskedForAtAGateIsNotShownOrRecordedAsAFailure(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    FakeActivities fake = start(env, worker);
    CutoverWorkflow cutover = startCutover(client, "deliberate");
    awaitPhase(client, "deliberate.copy", s -> s.state() == RunState.WAITING_APPROVAL);
    cutover.rollback(new OperatorAction("bob", "not tonight"));
    CutoverResult result = result(cutover);
    assertEquals(RunState.ROLLED_BACK, result.state());
    assertEquals(List.of("c", "b", "a"), fake.compensated);
    StepView gate = result.phases().get(1).steps().stream().filter(s -> s.id().equals("go")).findFirst().orElseThrow();
    assertEquals(StepState.STOPPED, gate.state(), gate.toString());
    assertNull(result.detail(), "a rollback that was asked for is no error");
    assertTrue(fake.events.stream().noneMatch(e -> RunEventKind.STEP_FAILED.word().equals(e.kind())),
        fake.events.toString());
  }

  @Test
  void refusesASecondCutoverOnTheSameTarget(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    start(env, worker);
    startCutover(client, "first");
    awaitPhase(client, "first.copy", s -> s.state() == RunState.WAITING_APPROVAL);

    CutoverWorkflow second = startCutover(client, "second-with-any-id");
    WorkflowFailedException failure = org.junit.jupiter.api.Assertions.assertThrows(WorkflowFailedException.class,
        () -> result(second));
    String message = Failures.describe(failure);
    assertTrue(message.contains("already has an active cutover: run first"), message);
  }

  @Test
  void pauseHoldsTheNextStepUntilResumed(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    FakeActivities fake = start(env, worker);
    CutoverWorkflow cutover = startCutover(client, "pause");
    awaitPhase(client, "pause.copy", s -> s.state() == RunState.WAITING_APPROVAL);
    cutover.pause(new OperatorAction("carol", "traffic spike"));
    cutover.approve(new GateDecision("go", "alice", null, null));
    awaitPhase(client, "pause.copy", s -> s.state() == RunState.PAUSED);
    env.sleep(Duration.ofMinutes(5));
    assertFalse(fake.applied.contains("d"));

    cutover.resume(new OperatorAction("carol", null));
    assertEquals(RunState.COMPLETED, result(cutover).state());
  }

  static final Plan BACKFILL_PLAN = new Plan("with-backfill", "demo", null, List.of(
      new Phase("copy", null, List.of(sql("a"),
          new PlanStep("b", null, null, false, false, new BackfillSpec("src", null, List.of("id"), null, "dst",
              Map.of("id", "id"), null, null, null, null, null, null, null, null, null, null, null, null, null, null), 1),
          sql("c")))));

  FakeActivities startWith(TestWorkflowEnvironment env, Worker worker, Plan plan) {
    taskQueue = worker.getTaskQueue();
    FakeActivities fake = new FakeActivities(plan);
    fake.serveOn(env, worker);
    env.start();
    return fake;
  }

  @Test
  void aBackfillRunsItsPartsInParallelAndPauseAndTuneReachIt(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) throws Exception {
    FakeActivities fake = startWith(env, worker, BACKFILL_PLAN);
    fake.partGate = new java.util.concurrent.CountDownLatch(1);
    CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId("backfill").setTaskQueue(taskQueue).build());
    WorkflowClient.start(cutover::run, new CutoverRequest("with-backfill", "demo", null, null, "carol"));
    awaitPhase(client, "backfill.copy", s -> "b".equals(s.currentStep()));

    cutover.pause(new OperatorAction("dave", "peak traffic"));
    awaitPhase(client, "backfill.copy", s -> s.notices().stream().anyMatch(n -> n.contains("backfill b pauses")));
    cutover.tune(new Tuning("dave", null, 5000, 20000L));
    cutover.tune(new Tuning("dave", null, 5, null));
    awaitPhase(client, "backfill.copy", s -> s.notices().stream().anyMatch(n -> n.contains("tune by dave refused")));
    cutover.resume(new OperatorAction("dave", null));
    awaitPhase(client, "backfill.copy", s -> s.notices().stream().anyMatch(n -> n.contains("resumed by dave")));
    fake.partGate.countDown();

    assertEquals(RunState.COMPLETED, result(cutover).state());
    assertEquals(List.of("a", "b", "c"), fake.applied);
    assertEquals(java.util.Set.of("b/apply/0", "b/apply/1"), java.util.Set.copyOf(fake.partsRun));
    RunEvent tune = fake.events.stream().filter(e -> RunEventKind.TUNE.word().equals(e.kind())).findFirst().orElseThrow();
    assertEquals("b", tune.stepId());
    assertEquals("dave", tune.actor());
    assertEquals("batchSize=5000 rate=20000", tune.detail());
    assertEquals(List.of(new TuneRecord(tune, 5000, 20000L)), fake.tunes, "the values travel as values, with their event");
    assertTrue(fake.events.stream().anyMatch(e -> RunEventKind.TUNE_REFUSED.word().equals(e.kind())));
    List<RunEventKind> order = fake.events.stream().map(e -> RunEventKind.of(e.kind()))
        .filter(k -> List.of(RunEventKind.PAUSE, RunEventKind.TUNE, RunEventKind.RESUME).contains(k)).toList();
    assertEquals(List.of(RunEventKind.PAUSE, RunEventKind.TUNE, RunEventKind.RESUME), order);

    Replays.replay(client.fetchHistory("backfill"));
    Replays.replay(client.fetchHistory("backfill.copy"));
  }

  @Test
  void aRollbackCompensatesABackfillThroughItsParts(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) throws Exception {
    FakeActivities fake = startWith(env, worker, BACKFILL_PLAN);
    fake.failNext("c", 1);
    CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId("backfill-rollback").setTaskQueue(taskQueue).build());
    WorkflowClient.start(cutover::run, new CutoverRequest("with-backfill", "demo", null, null, "carol"));
    awaitPhase(client, "backfill-rollback.copy", s -> s.state() == RunState.FAILED_WAITING);
    cutover.rollback(new OperatorAction("carol", "c is broken"));

    assertEquals(RunState.ROLLED_BACK, result(cutover).state());
    assertEquals(List.of("c", "b", "a"), fake.compensated);
    assertTrue(fake.partsRun.containsAll(List.of("b/compensate/0", "b/compensate/1")), fake.partsRun.toString());
    Replays.replay(client.fetchHistory("backfill-rollback.copy"));
  }

  @Test
  void aRollbackDuringABackfillCancelsItsPartsAndCompensatesIt(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) throws Exception {
    FakeActivities fake = startWith(env, worker, BACKFILL_PLAN);
    fake.partGate = new java.util.concurrent.CountDownLatch(1);
    CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId("backfill-stop").setTaskQueue(taskQueue).build());
    WorkflowClient.start(cutover::run, new CutoverRequest("with-backfill", "demo", null, null, "carol"));
    awaitPhase(client, "backfill-stop.copy", s -> "b".equals(s.currentStep()));

    cutover.rollback(new OperatorAction("carol", "abort the copy"));
    try {
      assertEquals(RunState.ROLLED_BACK, result(cutover).state());
    } finally {
      fake.partGate.countDown();
    }
    assertEquals(List.of("b", "a"), fake.compensated);
    assertFalse(fake.applied.contains("b"));
    assertTrue(fake.partsRun.containsAll(List.of("b/compensate/0", "b/compensate/1")), fake.partsRun.toString());
    Replays.replay(client.fetchHistory("backfill-stop.copy"));
  }

  @Test
  void historiesReplayDeterministically(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    FakeActivities fake = start(env, worker);
    fake.failNext("c", 1);
    CutoverWorkflow cutover = startCutover(client, "replay");
    awaitPhase(client, "replay.copy", s -> s.state() == RunState.FAILED_WAITING);
    cutover.retry(new OperatorAction("carol", null));
    awaitPhase(client, "replay.copy", s -> s.state() == RunState.WAITING_APPROVAL);
    cutover.approve(new GateDecision("go", "mallory", null, null));
    cutover.approve(new GateDecision("go", "alice", null, null));
    assertEquals(RunState.COMPLETED, result(cutover).state());

    Replays.replay(client.fetchHistory("replay"));
    for (String phase : List.of("introduce", "copy", "finish")) {
      Replays.replay(client.fetchHistory("replay." + phase));
    }
  }

  // --- wait and soak ------------------------------------------------------------------------

  /** T+90 days of legacy redirects, then a week of daily checks: seed 003's timeline and seed 004's "7 d clean". */
  static final Plan TIMED = timedPlan();

  static Plan timedPlan() {
    try {
      return cutover.plan.PlanParser.parse("""
          name: timed
          target: demo
          phases:
            - name: aftercare
              steps:
                - id: announce
                  kind: sql
                  sql: SELECT 1
                  irreversible: true
                - id: redirect-window
                  kind: wait
                  until: T+90d
                - id: seven-days-clean
                  kind: soak
                  every: 1d
                  for: 7d
                  check:
                    query: SELECT id FROM orders WHERE customer_id IS NULL
                - id: delete-stragglers
                  kind: sql
                  sql: DELETE FROM legacy_passwords
                  irreversible: true
          """, "timed.yaml", null, StepKinds.ALL);
    } catch (cutover.plan.InvalidPlanException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  @Test
  void aNinetyDayWaitAndASevenDaySoakPassInSkippedTime(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    FakeActivities fake = start(env, worker, TIMED);
    long t = env.currentTimeMillis();
    fake.runStartedAtMillis = t;
    long began = System.nanoTime();
    CutoverWorkflow cutover = startCutover(client, "timed", "timed");

    PhaseStatus waiting = awaitPhase(client, "timed.aftercare", s -> s.state() == RunState.WAITING);
    StepView wait = waiting.steps().get(1);
    assertEquals(StepState.WAITING, wait.state());
    String fires = java.time.Instant.ofEpochMilli(t + Duration.ofDays(90).toMillis()).toString();
    assertTrue(wait.outcome().startsWith("waiting until " + fires + " (T+90d); skip: cutover skip timed --gate "
        + "redirect-window"), wait.outcome());

    CutoverResult result = result(cutover);
    long seconds = (System.nanoTime() - began) / 1_000_000_000;
    assertEquals(RunState.COMPLETED, result.state());
    assertTrue(seconds < 5, "97 days took " + seconds + " s of test time");
    assertTrue(env.currentTimeMillis() - t >= Duration.ofDays(97).toMillis());
    assertEquals(List.of("announce", "delete-stragglers"), fake.applied);
    assertEquals(8, fake.verified.size(), "a check at the start and after each of 7 days: " + fake.verified);
    assertEquals("seven-days-clean#8", fake.verified.get(7));
    List<StepView> views = result.phases().get(0).steps();
    assertTrue(views.get(1).outcome().startsWith("waited until " + fires), views.get(1).outcome());
    assertEquals("held for 7d: 8 checks clean", views.get(2).outcome());
    assertTrue(fake.events.stream().anyMatch(e -> RunEventKind.SOAK_PASSED.word().equals(e.kind())));
  }

  @Test
  void aSoakFailurePausesThePhaseAndARetryStartsTheSoakOver(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    FakeActivities fake = start(env, worker, TIMED);
    fake.runStartedAtMillis = env.currentTimeMillis() - Duration.ofDays(100).toMillis(); // T+90d has passed
    fake.failures.put("seven-days-clean", new java.util.concurrent.atomic.AtomicInteger(0));
    CutoverWorkflow cutover = startCutover(client, "soak-fails", "timed");
    awaitPhase(client, "soak-fails.aftercare", s -> s.steps().get(2).state() == StepState.RUNNING);
    fake.failNext("seven-days-clean", 1);
    // the first check ran before failNext: the soak fails at its second check, a day in
    PhaseStatus failed = awaitPhaseSkippingTime(env, client, "soak-fails.aftercare",
        s -> s.state() == RunState.FAILED_WAITING);
    assertTrue(failed.lastError().startsWith("soak 'seven-days-clean' failed at check 2 after 1d clean: "),
        failed.lastError());
    assertFalse(fake.applied.contains("delete-stragglers"));

    cutover.retry(new OperatorAction("carol", "flaky replica fixed"));
    assertEquals(RunState.COMPLETED, result(cutover).state());
    assertEquals(2 + 8, fake.verified.size(), "the soak started over: " + fake.verified);
  }

  @Test
  void anOperatorSkipsAWaitAndTheSkipIsRecorded(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    FakeActivities fake = start(env, worker, TIMED);
    fake.runStartedAtMillis = env.currentTimeMillis();
    CutoverWorkflow cutover = startCutover(client, "skip", "timed");
    awaitPhase(client, "skip.aftercare", s -> s.state() == RunState.WAITING);
    cutover.skip(new GateDecision("announce", "mallory", null, "s0"));
    cutover.skip(new GateDecision("redirect-window", "carol", "legal cleared early deletion", "s1"));
    awaitPhase(client, "skip.aftercare", s -> s.steps().get(1).state() == StepState.COMPLETED);
    cutover.skip(new GateDecision("seven-days-clean", "carol", "monitoring covers it", "s2"));
    assertEquals(RunState.COMPLETED, result(cutover).state());

    List<DecisionRecord> skips = fake.decisions;
    assertEquals(3, skips.size());
    assertFalse(skips.get(0).accepted());
    assertTrue(skips.get(0).refusal().contains("gate 'announce' is not a wait or soak that is holding"));
    assertTrue(skips.get(1).accepted());
    assertEquals(Decision.SKIP.word(), skips.get(1).decision());
    assertEquals("carol", skips.get(1).decidedBy());
    assertTrue(fake.events.stream().anyMatch(e -> RunEventKind.WAIT_SKIPPED.word().equals(e.kind()) && "carol".equals(e.actor())
        && e.detail().equals("skipped by carol: legal cleared early deletion")));
  }

  @Test
  void waitAndSoakHistoriesReplayDeterministically(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    FakeActivities fake = start(env, worker, TIMED);
    fake.runStartedAtMillis = env.currentTimeMillis();
    CutoverWorkflow cutover = startCutover(client, "timed-replay", "timed");
    awaitPhase(client, "timed-replay.aftercare", s -> s.state() == RunState.WAITING);
    cutover.skip(new GateDecision("redirect-window", "carol", null, null));
    assertEquals(RunState.COMPLETED, result(cutover).state());
    Replays.replay(client.fetchHistory("timed-replay"));
    Replays.replay(client.fetchHistory("timed-replay.aftercare"));
  }

  /** Like awaitPhase, letting Temporal's time run on between looks. */
  static PhaseStatus awaitPhaseSkippingTime(TestWorkflowEnvironment env, WorkflowClient client, String id,
      Predicate<PhaseStatus> condition) {
    for (int i = 0; i < 400; i++) {
      try {
        PhaseStatus status = client.newWorkflowStub(CutoverPhaseWorkflow.class, id).status();
        if (condition.test(status)) {
          return status;
        }
      } catch (RuntimeException notYetStarted) {
        // the child starts a moment later
      }
      env.sleep(Duration.ofHours(6));
    }
    throw new AssertionError("phase " + id + " never reached the expected state");
  }
}
