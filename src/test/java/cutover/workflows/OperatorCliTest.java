package cutover.workflows;

import static cutover.testing.CliRun.cutover;

import cutover.testing.CliRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.starter.CutoverCli;
import cutover.worker.TemporalConnection;
import cutover.worker.WorkflowRegistration;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testserver.TestServer;
import io.temporal.worker.WorkerFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The CLI's signal commands against a running cutover (activities faked): the exit code and the
 * message come from the workflow's structured answer to the command's own request.
 */
class OperatorCliTest {

  @Test
  void refusalsExitOneWithTheirReasonAndAcceptedSignalsExitZero() throws Exception {
    try (CliTestServer temporal = CliTestServer.start()) {
      String address = temporal.address;
      TemporalConnection connection = temporal.connection;
      WorkflowClient client = connection.client();
      FakeActivities fake = new FakeActivities(CutoverWorkflowTest.PLAN);
      fake.failNext("f", 1);
      WorkerFactory factory = temporal.serve(fake);
      try {
        CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId("cli").setTaskQueue(WorkflowRegistration.TASK_QUEUE).build());
        WorkflowClient.start(cutover::run, new CutoverRequest("three-phases", "demo", null, null, "carol"));
        CutoverWorkflowTest.awaitPhase(client, "cli.copy", s -> s.state() == RunState.WAITING_APPROVAL);

        // a second run on the busy target is refused by the worker: its status says so, not "run null … RUNNING"
        CutoverWorkflow busy = client.newWorkflowStub(CutoverWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId("busy").setTaskQueue(WorkflowRegistration.TASK_QUEUE).build());
        WorkflowClient.start(busy::run, new CutoverRequest("three-phases", "demo", null, null, "dave"));
        org.junit.jupiter.api.Assertions.assertThrows(io.temporal.client.WorkflowFailedException.class,
            () -> WorkflowStub.fromTyped(busy).getResult(CutoverResult.class));
        CliRun refused = cutover("status", "busy", "--address", address);
        assertEquals(CutoverCli.OK, refused.exitCode(), refused.err());
        assertTrue(refused.out().contains("run busy was refused before it began: nothing was applied"), refused.out());
        assertTrue(refused.out().contains("Temporal: failed: target 'demo' already has an active cutover: run cli"),
            refused.out());
        assertFalse(refused.out().contains("null"), refused.out());
        assertFalse(refused.out().contains("RUNNING"), refused.out());
        CliRun toRefused = cutover("rollback", "busy", "--as", "dave", "--address", address);
        assertEquals(CutoverCli.FAILED, toRefused.exitCode(), toRefused.out());
        assertTrue(toRefused.err().contains("the rollback changed nothing: run busy has finished (failed: target 'demo'"),
            toRefused.err());

        CliRun mallory = cutover("approve", "cli", "--gate", "go", "--as", "mallory", "--address", address);
        assertEquals(CutoverCli.FAILED, mallory.exitCode(), mallory.out());
        assertTrue(mallory.err().contains("approve of gate go by mallory was refused: mallory may not decide gate 'go'"),
            mallory.err());

        CliRun early = cutover("retry", "cli", "--as", "carol", "--address", address);
        assertEquals(CutoverCli.FAILED, early.exitCode(), early.out());
        assertTrue(early.err().contains("retry by carol ignored: nothing is waiting for a retry"), early.err());

        CliRun alice = cutover("approve", "cli", "--gate", "go", "--as", "alice", "--address", address);
        assertEquals(CutoverCli.OK, alice.exitCode(), alice.err());
        assertTrue(alice.out().contains("approve of gate go by alice recorded"), alice.out());

        CutoverWorkflowTest.awaitPhase(client, "cli.finish", s -> s.state() == RunState.FAILED_WAITING);
        CliRun pastNoReturn = cutover("status", "cli", "--address", address);
        assertTrue(pastNoReturn.out().contains("point of no return passed at step e: rollback is refused"),
            pastNoReturn.out());
        assertFalse(pastNoReturn.out().contains("rollback would"), "nothing is undone past the point of no return: "
            + pastNoReturn.out());
        CliRun rollback = cutover("rollback", "cli", "--as", "carol", "--reason", "f failed", "--address", address);
        assertEquals(CutoverCli.FAILED, rollback.exitCode(), rollback.out());
        assertTrue(rollback.err().contains("rollback refused: step 'e' is the point of no return"), rollback.err());

        CliRun retry = cutover("retry", "cli", "--as", "carol", "--address", address);
        assertEquals(CutoverCli.OK, retry.exitCode(), retry.err());
        assertTrue(retry.out().contains("retry requested by carol"), retry.out());
        assertEquals(RunState.COMPLETED, WorkflowStub.fromTyped(cutover).getResult(CutoverResult.class).state());

        for (String[] late : List.of(new String[] {"approve", "cli", "--gate", "go", "--as", "alice"},
            new String[] {"rollback", "cli", "--as", "carol"}, new String[] {"pause", "cli", "--as", "carol"})) {
          CliRun finished = cutover(with(late, "--address", address));
          assertEquals(CutoverCli.FAILED, finished.exitCode(), finished.out());
          assertTrue(finished.err().contains("the " + late[0] + " changed nothing: run cli has finished "
              + "(completed with state COMPLETED)"), finished.err());
          assertFalse(finished.err().contains("NOT_FOUND"), finished.err());
        }
      } finally {
        factory.shutdownNow();
      }
    }
  }

  @Test
  void aStartWithNoWorkerSaysSoAndExitsOneWithinItsBoundedWait() throws Exception {
    try (CliTestServer temporal = CliTestServer.start()) {
      String address = temporal.address;
      TemporalConnection connection = temporal.connection;
      long began = System.nanoTime();
      CliRun start = cutover("start", "three-phases", "--target", "demo", "--id", "nobody-polls", "--address", address);
      long seconds = (System.nanoTime() - began) / 1_000_000_000;
      assertEquals(CutoverCli.FAILED, start.exitCode(), start.out() + start.err());
      assertTrue(start.err().contains("no worker took run nobody-polls within 15 s: is a worker polling task queue cutover"),
          start.err());
      assertTrue(start.err().contains("nothing was started"), start.err());
      assertTrue(seconds < 30, "took " + seconds + " s");
      assertEquals(io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED,
          connection.service().blockingStub().describeWorkflowExecution(
              io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
                  .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId("nobody-polls"))
                  .build()).getWorkflowExecutionInfo().getStatus());
    }
  }

  @Test
  void aWorkerStartedBeforeTemporalWaitsForItSayingWhereAndThenPolls() throws Exception {
    int port = cutover.worker.TemporalDevServer.freePort();
    String address = "127.0.0.1:" + port;
    java.nio.file.Path targetsFile = java.nio.file.Files.createTempFile("targets", ".properties");
    // the database is reached only when work comes; this test sends none
    java.nio.file.Files.writeString(targetsFile, "demo.url=jdbc:postgresql://127.0.0.1:1/none\n");

    CliRun gaveUp = cutover("worker", "--address", address, "--targets-file", targetsFile.toString(),
        "--wait-for-temporal", "8");
    assertEquals(CutoverCli.FAILED, gaveUp.exitCode(), gaveUp.out() + gaveUp.err());
    assertTrue(gaveUp.err().contains("waiting for the Temporal server at " + address
        + " (namespace default): connection refused; trying again in 1 s"), gaveUp.err());
    assertTrue(gaveUp.err().contains("trying again in 2 s"), "the wait grows: " + gaveUp.err());
    assertTrue(gaveUp.err().contains("the Temporal server at " + address + " did not answer within 8 s"), gaveUp.err());
    assertFalse(gaveUp.err().contains("finishConnect"), gaveUp.err());

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Thread worker = new Thread(() -> {
      CommandLine cli = CutoverCli.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      cli.execute("worker", "--address", address, "--targets-file", targetsFile.toString());
    });
    worker.start();
    try {
      await(() -> err.toString().contains("waiting for the Temporal server at " + address));
      try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true)) {
        await(() -> out.toString().contains("worker polling task queue cutover on " + address));
      }
    } finally {
      worker.interrupt();
      worker.join(20_000);
    }
    assertFalse(worker.isAlive(), "an interrupted worker command stops");
  }

  static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s");
      }
      Thread.sleep(100);
    }
  }

  static String[] with(String[] args, String... more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

}
