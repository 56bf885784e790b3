package cutover.workflows;

import static cutover.testing.CliRun.cutover;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.plan.Plan;
import cutover.starter.CutoverCli;
import cutover.testing.CliRun;
import cutover.worker.WorkflowRegistration;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.WorkerFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** `cutover accept` and `cutover done` against a running cutover (activities faked), and what `status` shows of them. */
class FindingsCliTest {

  static final Plan PLAN = AcceptedFindingsTest.parse("""
      name: findings-cli
      target: demo
      phases:
        - name: main
          steps:
            - id: add-column
              kind: sql
              sql: ALTER TABLE orders ADD COLUMN note text
              compensate: ALTER TABLE orders DROP COLUMN note
            - id: no-orphans
              kind: check
              query: SELECT id FROM orders WHERE customer_id IS NULL
            - id: fix-emails
              kind: task
              instructions: give the customers without an email one in the CRM
              check:
                query: SELECT id FROM customers WHERE email IS NULL
      """);

  @Test
  void acceptAndDoneExitByTheWorkflowsAnswerAndStatusShowsThem() throws Exception {
    try (CliTestServer temporal = CliTestServer.start()) {
      String address = temporal.address;
      WorkflowClient client = temporal.client();
      FakeActivities fake = new FakeActivities(PLAN);
      fake.findings.put("no-orphans", new AtomicInteger(1));
      fake.failNext("fix-emails", 1);
      WorkerFactory factory = temporal.serve(fake);
      try {
        CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId("fc").setTaskQueue(WorkflowRegistration.TASK_QUEUE).build());
        WorkflowClient.start(cutover::run, new CutoverRequest("findings-cli", "demo", null, null, "carol"));
        CutoverWorkflowTest.awaitPhase(client, "fc.main", s -> s.state() == RunState.FAILED_WAITING);

        CliRun noReason = cutover("accept", "fc", "--step", "no-orphans", "--by", "alice", "--address", address);
        assertEquals(CutoverCli.BAD_INPUT, noReason.exitCode(), noReason.out());
        assertTrue(noReason.err().contains("Missing required option: '--reason=<reason>'"), noReason.err());

        CliRun wrongStep = cutover("accept", "fc", "--step", "add-column", "--reason", "fine", "--by", "alice",
            "--address", address);
        assertEquals(CutoverCli.FAILED, wrongStep.exitCode(), wrongStep.out());
        assertTrue(wrongStep.err().contains("refused: accept of 'add-column' by alice — step 'add-column' is not the "
            + "failed step; 'no-orphans' is"), wrongStep.err());

        CliRun accepted = cutover("accept", "fc", "--step", "no-orphans", "--reason", "known, ticket OPS-12", "--by",
            "alice", "--address", address);
        assertEquals(CutoverCli.OK, accepted.exitCode(), accepted.err());
        assertTrue(accepted.out().contains("accept of 'no-orphans' by alice"), accepted.out());

        CutoverWorkflowTest.awaitPhase(client, "fc.main", s -> s.state() == RunState.WAITING_APPROVAL);
        CliRun status = cutover("status", "fc", "--address", address);
        assertTrue(status.out().contains("≈ no-orphans"), status.out());
        assertTrue(status.out().contains("accepted by alice: known, ticket OPS-12 — step 'no-orphans' failed: check "
            + "failed: 2 rows found"), status.out());
        assertTrue(status.out().contains("task: give the customers without an email one in the CRM — when done: "
            + "cutover done fc --step fix-emails"), status.out());
        assertTrue(status.out().contains("decision: accept no-orphans by alice (\"known, ticket OPS-12\")"),
            status.out());

        CliRun done = cutover("done", "fc", "--step", "fix-emails", "--by", "bob", "--address", address);
        assertEquals(CutoverCli.OK, done.exitCode(), done.err());
        assertTrue(done.out().contains("done of 'fix-emails' by bob"), done.out());
        CutoverWorkflowTest.awaitPhase(client, "fc.main", s -> s.steps().get(2).outcome().contains("its check failed"));
        CliRun stillWaiting = cutover("status", "fc", "--address", address);
        assertTrue(stillWaiting.out().contains("after the last done (by bob) its check failed: step 'fix-emails' "
            + "failed: injected"), stillWaiting.out());

        CliRun doneAgain = cutover("done", "fc", "--step", "fix-emails", "--by", "bob", "--comment", "fixed the last one",
            "--address", address);
        assertEquals(CutoverCli.OK, doneAgain.exitCode(), doneAgain.err());
        assertEquals(RunState.COMPLETED, WorkflowStub.fromTyped(cutover).getResult(CutoverResult.class).state());
      } finally {
        factory.shutdownNow();
      }
    }
  }
}
