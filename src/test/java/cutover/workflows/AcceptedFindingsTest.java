package cutover.workflows;

import static cutover.workflows.CutoverWorkflowTest.awaitPhase;
import static cutover.workflows.CutoverWorkflowTest.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.DecisionRecord;
import cutover.activities.steps.Decision;
import cutover.activities.steps.StepKinds;
import cutover.activities.steps.StepState;
import cutover.plan.Plan;
import cutover.plan.PlanParser;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A person accepts a failed verification's findings with a reason: refused for anything else, recorded either way. */
class AcceptedFindingsTest {

  @RegisterExtension
  static final TestWorkflowExtension temporal = CutoverWorkflowTest.extension();

  static final Plan PLAN = parse("""
      name: findings
      target: demo
      phases:
        - name: checks
          steps:
            - id: add-column
              kind: sql
              sql: ALTER TABLE orders ADD COLUMN note text
              compensate: ALTER TABLE orders DROP COLUMN note
            - id: no-orphans
              kind: check
              query: SELECT id FROM orders WHERE customer_id IS NULL
            - id: clean
              kind: soak
              every: 1h
              for: 2h
              check:
                query: SELECT id FROM orders WHERE total < 0
            - id: finish
              kind: sql
              sql: UPDATE orders SET note = 'moved'
              compensate: UPDATE orders SET note = NULL
      """);

  private String taskQueue;

  private FakeActivities start(TestWorkflowEnvironment env, Worker worker) {
    taskQueue = worker.getTaskQueue();
    FakeActivities fake = new FakeActivities(PLAN).serveOn(env, worker);
    env.start();
    return fake;
  }

  private CutoverWorkflow startCutover(WorkflowClient client, String id) {
    CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(taskQueue).build());
    WorkflowClient.start(cutover::run, new CutoverRequest("findings", "demo", null, null, "carol"));
    return cutover;
  }

  @Test
  void aFailedCheckAcceptedWithAReasonLetsThePhaseGoOnAndEveryRefusalIsRecorded(TestWorkflowEnvironment env,
      Worker worker, WorkflowClient client) {
    FakeActivities fake = start(env, worker);
    fake.findings.put("no-orphans", new AtomicInteger(1));
    CutoverWorkflow cutover = startCutover(client, "acc");
    String phase = "acc.checks";
    PhaseStatus failed = awaitPhase(client, phase, s -> s.state() == RunState.FAILED_WAITING);
    assertTrue(failed.lastError().contains("check failed: 2 rows found"), failed.lastError());

    WorkflowStub untyped = WorkflowStub.fromTyped(cutover);
    untyped.signal(OperatorSignals.ACCEPT, (Object) null);
    untyped.signal(OperatorSignals.ACCEPT, Map.of("requestId", "empty"));
    untyped.signal(OperatorSignals.ACCEPT, Map.of("step", List.of("no-orphans"), "by", 5, "requestId", "typed"));
    cutover.accept(new Acceptance("no-orphans", "alice", " ", "no-reason"));
    cutover.accept(new Acceptance("add-column", "alice", "known", "not-failed"));
    cutover.accept(new Acceptance("no-orphans", "alice", "known, ticket OPS-12", "ok"));

    CutoverResult result = result(cutover);
    assertEquals(RunState.COMPLETED, result.state());
    assertEquals(List.of("add-column", "finish"), fake.applied);
    StepView accepted = result.phases().get(0).steps().get(1);
    assertEquals(StepState.ACCEPTED, accepted.state());
    assertTrue(accepted.outcome().startsWith("accepted by alice: known, ticket OPS-12 — "), accepted.outcome());
    assertTrue(accepted.outcome().contains("check failed: 2 rows found: (id=2); (id=3)"), accepted.outcome());

    PhaseStatus done = client.newWorkflowStub(CutoverPhaseWorkflow.class, phase).status();
    Map<String, SignalAnswer> answers = new java.util.HashMap<>();
    done.answers().stream().filter(a -> a.requestId() != null).forEach(a -> answers.put(a.requestId(), a));
    assertEquals(4, answers.size(), "the typed refusal is answered by the cutover: " + answers.keySet());
    assertFalse(answers.get("empty").accepted());
    assertTrue(answers.get("empty").message().contains("an acceptance must say who accepts (--by)"),
        answers.get("empty").message());
    assertTrue(answers.get("no-reason").message().contains("an acceptance needs a reason (--reason)"));
    assertTrue(answers.get("not-failed").message().contains("step 'add-column' is not the failed step; 'no-orphans' is"),
        answers.get("not-failed").message());
    assertTrue(answers.get("ok").accepted());
    assertEquals("accept of 'no-orphans' by alice", answers.get("ok").message());
    SignalAnswer typed = cutover.status().answers().stream().filter(a -> "typed".equals(a.requestId())).findFirst()
        .orElseThrow();
    assertFalse(typed.accepted());
    assertTrue(typed.message().contains("\"step\" must be text, not an array"), typed.message());

    List<DecisionRecord> acceptances = fake.decisions.stream()
        .filter(d -> Decision.ACCEPT.word().equals(d.decision())).toList();
    assertEquals(6, acceptances.size(), "every acceptance, refused or not, is in the ledger: " + acceptances);
    DecisionRecord ok = acceptances.stream().filter(DecisionRecord::accepted).findFirst().orElseThrow();
    assertEquals("alice", ok.decidedBy());
    assertEquals("no-orphans", ok.stepId());
    assertEquals("known, ticket OPS-12", ok.comment());
    assertEquals(1, acceptances.stream().filter(DecisionRecord::accepted).count());
  }

  @Test
  void aFailedSqlStepCannotBeAcceptedOnlyRetried(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    FakeActivities fake = start(env, worker);
    fake.failNext("add-column", 1);
    CutoverWorkflow cutover = startCutover(client, "acc-sql");
    awaitPhase(client, "acc-sql.checks", s -> s.state() == RunState.FAILED_WAITING);
    cutover.accept(new Acceptance("add-column", "alice", "looks fine", "sql"));
    PhaseStatus refused = awaitPhase(client, "acc-sql.checks",
        s -> s.answers().stream().anyMatch(a -> "sql".equals(a.requestId())));
    SignalAnswer answer = refused.answers().stream().filter(a -> "sql".equals(a.requestId())).findFirst().orElseThrow();
    assertFalse(answer.accepted());
    assertTrue(answer.message().contains("step 'add-column' is a sql step, not a verification: only the findings of a "
        + "failed check, parity, http or soak can be accepted; retry or rollback"), answer.message());
    assertEquals(RunState.FAILED_WAITING, refused.state());

    cutover.retry(new OperatorAction("carol", "fixed"));
    assertEquals(RunState.COMPLETED, result(cutover).state());
  }

  @Test
  void aCheckThatFailedWithAnErrorIsNotFindingsToAccept(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    FakeActivities fake = start(env, worker);
    fake.failNext("no-orphans", 1); // an error (a bad query, a lost connection), not a check that did not hold
    CutoverWorkflow cutover = startCutover(client, "acc-error");
    awaitPhase(client, "acc-error.checks", s -> s.state() == RunState.FAILED_WAITING);
    cutover.accept(new Acceptance("no-orphans", "alice", "known", "error"));
    PhaseStatus refused = awaitPhase(client, "acc-error.checks",
        s -> s.answers().stream().anyMatch(a -> "error".equals(a.requestId())));
    assertTrue(refused.answers().stream().anyMatch(a -> a.message().contains(
        "step 'no-orphans' failed with an error, not with findings: fix it and retry, or rollback")));
    cutover.rollback(new OperatorAction("carol", "give up"));
    assertEquals(RunState.ROLLED_BACK, result(cutover).state());
  }

  @Test
  void aFailedSoakCanBeAcceptedAndARollbackAfterwardsHasNothingToUndoForTheAcceptedCheck(TestWorkflowEnvironment env,
      Worker worker, WorkflowClient client) throws Exception {
    FakeActivities fake = start(env, worker);
    fake.findings.put("no-orphans", new AtomicInteger(1));
    fake.failNext("clean", 1);
    fake.failNext("finish", 1);
    CutoverWorkflow cutover = startCutover(client, "acc-soak");
    awaitPhase(client, "acc-soak.checks", s -> s.state() == RunState.FAILED_WAITING);
    cutover.accept(new Acceptance("no-orphans", "alice", "known, ticket OPS-12", "a1"));
    PhaseStatus soakFailed = awaitPhase(client, "acc-soak.checks",
        s -> s.state() == RunState.FAILED_WAITING && "clean".equals(s.currentStep()));
    assertTrue(soakFailed.lastError().startsWith("soak 'clean' failed at check 1"), soakFailed.lastError());
    cutover.accept(new Acceptance("clean", "bob", "negative totals are refunds, OPS-13", "a2"));
    awaitPhase(client, "acc-soak.checks", s -> s.state() == RunState.FAILED_WAITING && "finish".equals(s.currentStep()));
    cutover.accept(new Acceptance("finish", "bob", "whatever", "a3"));
    cutover.rollback(new OperatorAction("carol", "finish failed"));

    CutoverResult result = result(cutover);
    assertEquals(RunState.ROLLED_BACK, result.state());
    List<StepView> steps = result.phases().get(0).steps();
    assertEquals(StepState.ACCEPTED, steps.get(2).state());
    assertTrue(steps.get(2).outcome().startsWith("accepted by bob: negative totals are refunds, OPS-13 — soak 'clean'"),
        steps.get(2).outcome());
    assertEquals(List.of("finish", "no-orphans", "add-column"), fake.compensated);
    assertEquals(List.of("add-column"), fake.applied, "the accepted check was never applied: nothing of it to undo");

    Replays.replay(client.fetchHistory("acc-soak"));
    Replays.replay(client.fetchHistory("acc-soak.checks"));
  }

  static Plan parse(String yaml) {
    try {
      return PlanParser.parse(yaml, "findings.yaml", null, StepKinds.ALL);
    } catch (cutover.plan.InvalidPlanException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }
}
