package cutover.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.DecisionRecord;
import cutover.activities.steps.approval.ApprovalActivitiesImpl;
import cutover.activities.steps.approval.ApprovalEvidence;
import cutover.activities.steps.approval.ApprovalSigners;
import cutover.activities.steps.approval.ApprovalSpec;
import cutover.starter.CutoverCli;
import cutover.worker.TemporalConnection;
import cutover.worker.WorkflowRegistration;
import cutover.testing.CliRun;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cutover approve --sign-with KEY}: the real CLI, in-process, signing with keys made by ssh-keygen. */
class SignedApprovalCliTest {

  @Test
  void theCliSignsWithARealKeyAndTheWorkerNamesItsPrincipal(@TempDir Path dir) throws Exception {
    Path alice = keyIn(dir, "alice");
    Path mallory = keyIn(dir, "mallory");
    Path allowed = dir.resolve("allowed_signers");
    Files.writeString(allowed, "alice " + SignedApprovalTest.publicKey(alice) + "\n");
    try (CliTestServer temporal = CliTestServer.start()) {
      String address = temporal.address;
      TemporalConnection connection = temporal.connection;
      WorkflowClient client = connection.client();
      FakeActivities fake = new FakeActivities(SignedApprovalTest.plan(ApprovalSpec.Signatures.REQUIRED));
      fake.approvals = new ApprovalActivitiesImpl(new ApprovalSigners(allowed, false));
      WorkerFactory factory = temporal.serve(fake);
      try {
        CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId("cli-signed").setTaskQueue(WorkflowRegistration.TASK_QUEUE).build());
        WorkflowClient.start(cutover::run, new CutoverRequest("signed", "demo", null, null, "carol"));
        CutoverWorkflowTest.awaitPhase(client, "cli-signed.go", s -> s.state() == RunState.WAITING_APPROVAL);

        CliRun dba = CliRun.cutover("approve", "cli-signed", "--gate", "go", "--as", "dba", "--address", address);
        assertEquals(CutoverCli.FAILED, dba.exitCode(), dba.out());
        assertTrue(dba.err().contains("approve of gate go by dba was refused: gate 'go' takes only signed approvals"),
            dba.err());

        CliRun forged = CliRun.cutover("approve", "cli-signed", "--gate", "go", "--sign-with", mallory.toString(),
            "--address", address);
        assertEquals(CutoverCli.FAILED, forged.exitCode(), forged.out());
        assertTrue(forged.err().contains("was refused: the key that signed is not in the worker's allowed signers"),
            forged.err());

        CliRun signed = CliRun.cutover("approve", "cli-signed", "--gate", "go", "--sign-with", alice.toString(),
            "--comment", "parity clean", "--address", address);
        assertEquals(CutoverCli.OK, signed.exitCode(), signed.err());
        assertTrue(signed.out().contains("signing approve of gate go of run cli-signed over plan "
            + SignedApprovalTest.PLAN_HASH + " and these findings (" + ApprovalEvidence.digest(SignedApprovalTest.FINDINGS)
            + "):\n  c (sql): applied c"), signed.out());
        assertTrue(signed.out().contains("approve of gate go by alice (signed) recorded"), signed.out());
        assertEquals(RunState.COMPLETED, WorkflowStub.fromTyped(cutover).getResult(CutoverResult.class).state());

        DecisionRecord approval = fake.decisions.stream().filter(DecisionRecord::accepted).findFirst().orElseThrow();
        assertEquals("alice", approval.decidedBy());
        assertTrue(approval.signed());
        assertEquals(3, fake.decisions.size());
        assertFalse(fake.decisions.get(0).signed());
      } finally {
        factory.shutdownNow();
      }
    }
  }

  private static Path keyIn(Path dir, String name) throws Exception {
    Path key = dir.resolve(name);
    Process made = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString())
        .redirectErrorStream(true).start();
    assertEquals(0, made.waitFor());
    return key;
  }
}
