package cutover.workflows;

import static cutover.workflows.CutoverWorkflowTest.awaitPhase;
import static cutover.workflows.CutoverWorkflowTest.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.DecisionRecord;
import cutover.activities.RunEvent;
import cutover.activities.RunEventKind;
import cutover.activities.steps.Decision;
import cutover.activities.steps.StepState;
import cutover.plan.Plan;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A manual task: a person does the work out of band and says done; its check runs again until it holds. */
class ManualTaskTest {

  @RegisterExtension
  static final TestWorkflowExtension temporal = CutoverWorkflowTest.extension();

  static final Plan PLAN = AcceptedFindingsTest.parse("""
      name: task
      target: demo
      phases:
        - name: main
          steps:
            - id: add-column
              kind: sql
              sql: ALTER TABLE customers ADD COLUMN verified boolean
              compensate: ALTER TABLE customers DROP COLUMN verified
            - id: fix-emails
              kind: task
              instructions: give the customers without an email one in the CRM (it syncs within a minute)
              check:
                query: SELECT id FROM customers WHERE email IS NULL
            - id: finish
              kind: sql
              sql: UPDATE customers SET verified = true
              compensate: UPDATE customers SET verified = NULL
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
    WorkflowClient.start(cutover::run, new CutoverRequest("task", "demo", null, null, "carol"));
    return cutover;
  }

  @Test
  void doneThenACheckThatFailsWaitsAgainUntilTheNextDoneHolds(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    FakeActivities fake = start(env, worker);
    fake.failNext("fix-emails", 1);
    CutoverWorkflow cutover = startCutover(client, "task");
    PhaseStatus waiting = awaitPhase(client, "task.main", s -> s.state() == RunState.WAITING_APPROVAL);
    StepView task = waiting.steps().get(1);
    assertEquals(StepState.WAITING, task.state());
    assertEquals("task: give the customers without an email one in the CRM (it syncs within a minute) — when done: "
        + "cutover done task --step fix-emails; skip: cutover skip task --gate fix-emails", task.outcome());
    assertTrue(fake.verified.isEmpty(), "the check waits for the person");

    cutover.done(new GateDecision("add-column", "alice", null, "wrong-step"));
    cutover.done(new GateDecision("fix-emails", null, null, "nobody"));
    cutover.done(new GateDecision("fix-emails", "alice", "updated 12 in the CRM", "d1"));
    PhaseStatus again = awaitPhase(client, "task.main", s -> s.state() == RunState.WAITING_APPROVAL
        && s.steps().get(1).outcome().contains("its check failed"));
    assertTrue(again.steps().get(1).outcome().contains("after the last done (by alice) its check failed: "
        + "step 'fix-emails' failed: injected"), again.steps().get(1).outcome());
    assertFalse(fake.applied.contains("finish"));

    cutover.done(new GateDecision("fix-emails", "bob", "the last two by hand", "d2"));
    CutoverResult result = result(cutover);
    assertEquals(RunState.COMPLETED, result.state());
    assertEquals(List.of("fix-emails#1", "fix-emails#2"), fake.verified);
    assertEquals(List.of("add-column", "finish"), fake.applied);
    assertEquals("done by bob (\"the last two by hand\"); its check holds at try 2",
        result.phases().get(0).steps().get(1).outcome());

    List<DecisionRecord> dones = fake.decisions.stream().filter(d -> Decision.DONE.word().equals(d.decision())).toList();
    assertEquals(4, dones.size(), dones.toString());
    assertTrue(dones.get(0).refusal().contains("step 'add-column' is not a task waiting for its work"),
        dones.get(0).refusal());
    assertEquals("a decision must say who makes it", dones.get(1).refusal());
    assertTrue(dones.get(2).accepted() && dones.get(3).accepted());
    List<String> events = fake.events.stream().filter(e -> "fix-emails".equals(e.stepId())).map(RunEvent::kind).toList();
    assertEquals(List.of(RunEventKind.TASK_OPENED.word(), RunEventKind.TASK_CHECK_FAILED.word(),
        RunEventKind.TASK_DONE.word()), events);
  }

  @Test
  void aWaitingTaskCanBeSkippedOrRolledBack(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    FakeActivities fake = start(env, worker);
    CutoverWorkflow skipped = startCutover(client, "task-skip");
    awaitPhase(client, "task-skip.main", s -> s.state() == RunState.WAITING_APPROVAL);
    skipped.skip(new GateDecision("fix-emails", "carol", "the CRM team does it after the cutover", "s1"));
    CutoverResult result = result(skipped);
    assertEquals(RunState.COMPLETED, result.state());
    assertEquals("skipped by carol: the CRM team does it after the cutover (its check not run)",
        result.phases().get(0).steps().get(1).outcome());
    assertTrue(fake.verified.isEmpty());

    CutoverWorkflow rolledBack = startCutover(client, "task-rollback");
    awaitPhase(client, "task-rollback.main", s -> s.state() == RunState.WAITING_APPROVAL);
    rolledBack.rollback(new OperatorAction("carol", "the CRM is down"));
    assertEquals(RunState.ROLLED_BACK, result(rolledBack).state());
    assertTrue(fake.compensated.contains("add-column"), fake.compensated.toString());
    assertTrue(fake.verified.isEmpty());

    Replays.replay(client.fetchHistory("task-skip.main"));
    Replays.replay(client.fetchHistory("task-rollback.main"));
  }
}
