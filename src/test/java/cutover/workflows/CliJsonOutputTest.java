package cutover.workflows;

import static cutover.testing.CliRun.cutover;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.starter.CutoverCli;
import cutover.testing.CliRun;
import cutover.worker.TemporalConnection;
import cutover.worker.WorkflowRegistration;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.WorkerFactory;
import org.junit.jupiter.api.Test;

/**
 * The read verbs' {@code --output json} against a run waiting at its gate (activities faked), and
 * the gate's hints on a server at a port other than 7233, which must name it.
 */
class CliJsonOutputTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void statusAndListPrintJsonAndGateHintsNameANonDefaultAddress() throws Exception {
    try (CliTestServer temporal = CliTestServer.start()) {
      String address = temporal.address;
      TemporalConnection connection = temporal.connection;
      WorkflowClient client = connection.client();
      WorkerFactory factory = temporal.serve(new FakeActivities(CutoverWorkflowTest.PLAN));
      try {
        CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId("json").setTaskQueue(WorkflowRegistration.TASK_QUEUE).build());
        WorkflowClient.start(cutover::run, new CutoverRequest("three-phases", "demo", null, null, "carol"));
        CutoverWorkflowTest.awaitPhase(client, "json.copy", s -> s.state() == RunState.WAITING_APPROVAL);

        CliRun text = cutover("status", "json", "--address", address);
        assertEquals(CutoverCli.OK, text.exitCode(), text.err());
        assertTrue(text.out().contains("  approve: cutover approve json --gate go --address " + address
            + " --comment \"...\""), text.out());
        assertTrue(text.out().contains("  reject:  cutover reject json --gate go --address " + address), text.out());

        for (String[] args : new String[][] {{"status", "json", "--output", "json"}, {"status", "json", "--json"}}) {
          CliRun json = cutover(with(args, "--address", address));
          assertEquals(CutoverCli.OK, json.exitCode(), json.err());
          JsonNode status = JSON.readTree(json.out());
          assertEquals("json", status.get("workflowId").asText());
          assertEquals("json", status.at("/cutover/run").asText());
          assertEquals("copy", status.at("/cutover/currentPhase").asText());
          assertEquals("WAITING_APPROVAL", status.at("/phase/state").asText());
          assertEquals("go", status.at("/phase/pendingGates/0/gate").asText());
          assertTrue(status.get("ending").isNull());
        }

        // Java's test server has no visibility: the ledger (here the fake's, empty) answers
        CliRun list = cutover("list", "--output", "json", "--address", address);
        assertEquals(CutoverCli.OK, list.exitCode(), list.err());
        JsonNode listing = JSON.readTree(list.out());
        assertEquals("ledger", listing.get("source").asText());
        assertTrue(listing.get("runs").isArray());
      } finally {
        factory.shutdownNow();
      }
    }
  }

  private static String[] with(String[] args, String... more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
