package cutover.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.steps.backfill.BackfillSpec;
import cutover.plan.Phase;
import cutover.plan.Plan;
import cutover.plan.PlanStep;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A step whose worker keeps dying is retried soon after each loss: the retry backoff stays short,
 * so a healthy worker picks the work up within the heartbeat timeout and a few seconds, however
 * many workers were lost before.
 */
class StepRetryTest {
  /** The longest wait between two attempts of a step activity. */
  static final long MOST_BACKOFF_MILLIS = 2_000;

  @RegisterExtension
  static final TestWorkflowExtension temporal = CutoverWorkflowTest.extension();

  static final Plan PLAN = new Plan("retried", "demo", null, List.of(new Phase("copy", null, List.of(
      new PlanStep("b", null, null, false, false, new BackfillSpec("src", null, List.of("id"), null, "dst",
          Map.of("id", "id"), null, null, null, null, null, null, null, null, null, null, null, null, null, null), 1)))));

  /** A run event the ledger refused is written again, in its place, and the phase goes on after it. */
  @Test
  void aRunEventTheLedgerRefusedIsWrittenAgainNotLost(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) throws Exception {
    FakeActivities fake = new FakeActivities(CutoverWorkflowTest.PLAN);
    fake.refusedEventWrites.set(2);
    fake.serveOn(env, worker);
    env.start();

    CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId("refused").setTaskQueue(worker.getTaskQueue()).build());
    WorkflowClient.start(cutover::run, new CutoverRequest("three-phases", "demo", null, null, "carol"));
    CutoverWorkflowTest.awaitPhase(client, "refused.copy", s -> s.state() == RunState.WAITING_APPROVAL);
    cutover.approve(new GateDecision("go", "alice", null, null));

    CutoverResult result = WorkflowStub.fromTyped(cutover).getResult(30, TimeUnit.SECONDS,
        CutoverResult.class);
    assertEquals(RunState.COMPLETED, result.state());
    assertEquals(1, fake.events.stream().filter(e -> e.kind().equals("gate_opened")).count(), fake.events.toString());
    assertEquals(1, fake.decisions.size(), "the approval is in the ledger");
  }

  @Test
  void aPartWhoseWorkersKeepDyingIsRetriedWithinSecondsEachTime(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    FakeActivities fake = new FakeActivities(PLAN);
    fake.lostPartAttempts.set(9);
    fake.serveOn(env, worker);
    env.start();

    CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId("retried").setTaskQueue(worker.getTaskQueue()).build());
    WorkflowClient.start(cutover::run, new CutoverRequest("retried", "demo", null, null, "carol"));
    assertEquals(RunState.COMPLETED, WorkflowStub.fromTyped(cutover).getResult(CutoverResult.class).state());

    // two parts, each lost nine times between them, then done
    List<Long> at = fake.partAttemptsScheduledAt;
    assertTrue(at.size() >= 11, at.toString());
    List<Long> sorted = at.stream().sorted().toList();
    long longest = 0;
    for (int i = 1; i < sorted.size(); i++) {
      longest = Math.max(longest, sorted.get(i) - sorted.get(i - 1));
    }
    assertTrue(longest <= MOST_BACKOFF_MILLIS + 500, "longest wait between attempts " + longest + " ms: " + sorted);
  }
}
