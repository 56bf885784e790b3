package cutover.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.workflows.WebUiInputs.SignalCase;
import cutover.workflows.WebUiInputs.StartCase;
import cutover.workflows.WebUiInputs.Typed;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed Web UI input of {@link WebUiInputs}, on the in-process test server: a start fails
 * at once, readably, with nothing begun in the ledger; a signal is refused with its reason (or
 * applied) and the run goes on; no workflow task ever fails.
 */
class WebUiInputCorpusTest {

  @RegisterExtension
  static final TestWorkflowExtension temporal = CutoverWorkflowTest.extension();

  static Stream<StartCase> starts() {
    return WebUiInputs.starts().stream();
  }

  @ParameterizedTest(name = "start with {0}")
  @MethodSource("starts")
  void aMalformedStartFailsAtOnceAndStartsNothing(StartCase start, TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) throws Exception {
    FakeActivities fake = new FakeActivities(CutoverWorkflowTest.PLAN);
    worker.registerActivitiesImplementations(fake);
    env.start();
    if (start.busy()) {
      WebUiInputs.start(env.getWorkflowServiceStubs(), env.getNamespace(), worker.getTaskQueue(), "busy-holder",
          Typed.json("the run holding the target", "{\"plan\":\"three-phases\",\"target\":\"demo\"}"));
      CutoverWorkflowTest.awaitPhase(client, "busy-holder.copy", s -> s.state() == RunState.WAITING_APPROVAL);
    }
    List<String> appliedBefore = List.copyOf(fake.applied);

    WebUiInputs.start(env.getWorkflowServiceStubs(), env.getNamespace(), worker.getTaskQueue(), "bad-start", start.input());

    WebUiInputs.assertFailedReadably(client, "bad-start", start.failure());
    assertFalse(fake.activeRunByTarget.containsValue("bad-start"), "a run was begun in the ledger");
    assertFalse(fake.endedRuns.containsKey("bad-start"));
    assertTrue(fake.events.stream().noneMatch(e -> e.runId().equals("bad-start")), "events: " + fake.events);
    assertEquals(appliedBefore, fake.applied, "steps were applied");
    Replays.replay(client.fetchHistory("bad-start"));
    if (start.busy()) {
      assertEquals("busy-holder", fake.activeRunByTarget.get("demo"));
      assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, WebUiInputs.status(client, "busy-holder"));
      WebUiInputs.assertNoWorkflowTaskFailed(client, "busy-holder");
    }
  }

  static Stream<StartCase> phaseStarts() {
    return WebUiInputs.phaseStarts().stream();
  }

  @ParameterizedTest(name = "phase start with {0}")
  @MethodSource("phaseStarts")
  void aMalformedPhaseStartFailsAtOnceAndStartsNothing(StartCase start, TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    FakeActivities fake = new FakeActivities(CutoverWorkflowTest.PLAN);
    worker.registerActivitiesImplementations(fake);
    env.start();

    WebUiInputs.start(env.getWorkflowServiceStubs(), env.getNamespace(), worker.getTaskQueue(), CutoverPhaseWorkflow.TYPE,
        "bad-phase", start.input());

    WebUiInputs.assertFailedReadably(client, "bad-phase", start.failure());
    assertTrue(fake.activeRunByTarget.isEmpty(), "a run was begun in the ledger");
    assertTrue(fake.applied.isEmpty(), "steps were applied");
  }

  @ParameterizedTest(name = "{0} with malformed payloads")
  @EnumSource(OperatorSignal.class)
  void malformedSignalsAreAnsweredAndTheRunGoesOn(OperatorSignal signal, TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) throws Exception {
    FakeActivities fake = new FakeActivities(CutoverWorkflowTest.PLAN);
    worker.registerActivitiesImplementations(fake);
    env.start();
    String run = "signals-" + signal.word();
    WebUiInputs.start(env.getWorkflowServiceStubs(), env.getNamespace(), worker.getTaskQueue(), run,
        Typed.json("a good start", "{\"plan\":\"three-phases\",\"target\":\"demo\"}"));
    CutoverWorkflowTest.awaitPhase(client, run + ".copy", s -> s.state() == RunState.WAITING_APPROVAL);

    List<SignalCase> cases = WebUiInputs.signalCases(signal);
    assertTrue(cases.size() >= 8, cases.size() + " cases");
    for (SignalCase sent : cases) {
      long before = WebUiInputs.count(WebUiInputs.answers(client, run), sent);
      WebUiInputs.signal(env.getWorkflowServiceStubs(), env.getNamespace(), run, sent.signal(), sent.input());
      WebUiInputs.awaitAnswer(() -> WebUiInputs.answers(client, run), sent, before);
    }
    for (Typed argument : List.of(Typed.noPayload(), Typed.json("null", "null"), Typed.json("empty data", ""),
        Typed.json("an array", "[1]"), Typed.json("not JSON", "{x"))) {
      WebUiInputs.queryStatus(env.getWorkflowServiceStubs(), env.getNamespace(), run, argument);
    }

    PhaseStatus copy = client.newWorkflowStub(CutoverPhaseWorkflow.class, run + ".copy").status();
    assertEquals(RunState.WAITING_APPROVAL, copy.state(), "the gate still holds");
    assertTrue(fake.decisions.stream().noneMatch(d -> d.accepted()), "no decision was taken: " + fake.decisions);
    CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class, run);
    cutover.resume(new OperatorAction("alice", "after the corpus"));
    cutover.approve(new GateDecision("go", "alice", null, null));
    CutoverResult result = client.newUntypedWorkflowStub(run).getResult(CutoverResult.class);
    assertEquals(RunState.COMPLETED, result.state());
    for (String workflow : List.of(run, run + ".introduce", run + ".copy", run + ".finish")) {
      WebUiInputs.assertNoWorkflowTaskFailed(client, workflow);
    }
    Replays.replay(client.fetchHistory(run));
    Replays.replay(client.fetchHistory(run + ".copy"));
  }

  static Stream<Typed> emptyInputs() {
    return Stream.of(Typed.noPayload(), Typed.json("empty data", ""), Typed.json("null", "null"));
  }

  @ParameterizedTest(name = "rollback with {0}")
  @MethodSource("emptyInputs")
  void anAnonymousRollbackIsAppliedAndRecorded(Typed input, TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    FakeActivities fake = new FakeActivities(CutoverWorkflowTest.PLAN);
    worker.registerActivitiesImplementations(fake);
    env.start();
    String run = "anonymous-rollback";
    WebUiInputs.start(env.getWorkflowServiceStubs(), env.getNamespace(), worker.getTaskQueue(), run,
        Typed.json("a good start", "{\"plan\":\"three-phases\",\"target\":\"demo\"}"));
    CutoverWorkflowTest.awaitPhase(client, run + ".copy", s -> s.state() == RunState.WAITING_APPROVAL);

    WebUiInputs.signal(env.getWorkflowServiceStubs(), env.getNamespace(), run, OperatorSignal.ROLLBACK, input);

    assertEquals(RunState.ROLLED_BACK, client.newUntypedWorkflowStub(run).getResult(CutoverResult.class).state());
    assertTrue(fake.events.stream().anyMatch(e -> e.kind().equals(cutover.activities.RunEventKind.ROLLBACK_REQUESTED.word()) && "unknown".equals(e.actor())),
        "events: " + fake.events);
    for (String workflow : List.of(run, run + ".introduce", run + ".copy")) {
      WebUiInputs.assertNoWorkflowTaskFailed(client, workflow);
    }
  }

  @ParameterizedTest(name = "{0} sent to the phase itself")
  @MethodSource("signalsToThePhase")
  void malformedSignalsToThePhaseAreAnsweredThere(OperatorSignal signal, TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    FakeActivities fake = new FakeActivities(CutoverWorkflowTest.PLAN);
    worker.registerActivitiesImplementations(fake);
    env.start();
    String run = "phase-" + signal.word();
    WebUiInputs.start(env.getWorkflowServiceStubs(), env.getNamespace(), worker.getTaskQueue(), run,
        Typed.json("a good start", "{\"plan\":\"three-phases\",\"target\":\"demo\"}"));
    String phase = run + ".copy";
    CutoverWorkflowTest.awaitPhase(client, phase, s -> s.state() == RunState.WAITING_APPROVAL);
    for (SignalCase sent : WebUiInputs.signalCases(signal)) {
      List<SignalAnswer> answers = client.newWorkflowStub(CutoverPhaseWorkflow.class, phase).status().answers();
      long before = WebUiInputs.count(answers, sent);
      WebUiInputs.signal(env.getWorkflowServiceStubs(), env.getNamespace(), phase, sent.signal(), sent.input());
      WebUiInputs.awaitAnswer(() -> client.newWorkflowStub(CutoverPhaseWorkflow.class, phase).status().answers(), sent,
          before);
    }
    client.newWorkflowStub(CutoverWorkflow.class, run).approve(new GateDecision("go", "alice", null, null));
    assertEquals(RunState.COMPLETED, client.newUntypedWorkflowStub(run).getResult(CutoverResult.class).state());
    WebUiInputs.assertNoWorkflowTaskFailed(client, phase);
  }

  static Stream<OperatorSignal> signalsToThePhase() {
    return Arrays.stream(OperatorSignal.values()).filter(s -> s != OperatorSignal.PAUSE && s != OperatorSignal.RESUME);
  }
}
