package cutover.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import cutover.testing.TemporalDevServerExtension;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.WebUiInputs.SignalCase;
import cutover.workflows.WebUiInputs.StartCase;
import cutover.workflows.WebUiInputs.Typed;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A part of the {@link WebUiInputs} corpus on the real {@code temporal server start-dev}, the server
 * the Web UI talks to, with cutover's workflows in this JVM and activities faked: the test server
 * might decode or route a payload differently.
 */
class WebUiInputsRealServerIT {
  static final Set<String> STARTS = Set.of("empty data", "null", "no payload", "an array instead of an object",
      "allowFixes as text", "a number for plan", "unknown plan", "a second start on a busy target", "not JSON");
  static final Set<String> SIGNALS = Set.of("no payload", "empty data", "an array instead of an object",
      "a mistyped field", "unknown gate");

  @RegisterExtension
  static final TemporalDevServerExtension temporal = new TemporalDevServerExtension(false);

  /** A worker of cutover's workflows on its own task queue, with faked activities. */
  private static WorkerFactory worker(WorkflowClient client, String taskQueue, FakeActivities fake) {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    Worker worker = factory.newWorker(taskQueue);
    WorkflowRegistration.register(worker);
    worker.registerActivitiesImplementations(fake);
    factory.start();
    return factory;
  }

  @Test
  void malformedStartsFailAtOnceAndStartNothing() {
    WorkflowClient client = temporal.connection().client();
    WorkflowServiceStubs service = client.getWorkflowServiceStubs();
    String namespace = client.getOptions().getNamespace();
    String taskQueue = "web-ui-starts-" + UUID.randomUUID();
    FakeActivities fake = new FakeActivities(CutoverWorkflowTest.PLAN);
    WorkerFactory factory = worker(client, taskQueue, fake);
    try {
      List<StartCase> starts = WebUiInputs.starts().stream().filter(s -> STARTS.contains(s.input().label())).toList();
      assertEquals(STARTS.size(), starts.size());
      for (StartCase start : starts) {
        if (start.busy()) {
          WebUiInputs.start(service, namespace, taskQueue, "busy-holder",
              Typed.json("the run holding the target", "{\"plan\":\"three-phases\",\"target\":\"demo\"}"));
          CutoverWorkflowTest.awaitPhase(client, "busy-holder.copy", s -> s.state() == RunState.WAITING_APPROVAL);
        }
        String id = "bad-start-" + UUID.randomUUID();
        WebUiInputs.start(service, namespace, taskQueue, id, start.input());
        WebUiInputs.assertFailedReadably(client, id, start.failure());
        assertFalse(fake.activeRunByTarget.containsValue(id), start + ": a run was begun in the ledger");
      }
      client.newWorkflowStub(CutoverWorkflow.class, "busy-holder").rollback(new OperatorAction("alice", "test over"));
    } finally {
      factory.shutdownNow();
    }
  }

  @Test
  void malformedSignalsAreAnsweredAndTheRunGoesOn() {
    WorkflowClient client = temporal.connection().client();
    WorkflowServiceStubs service = client.getWorkflowServiceStubs();
    String namespace = client.getOptions().getNamespace();
    String taskQueue = "web-ui-signals-" + UUID.randomUUID();
    FakeActivities fake = new FakeActivities(CutoverWorkflowTest.PLAN);
    WorkerFactory factory = worker(client, taskQueue, fake);
    try {
      String run = "signals-" + UUID.randomUUID();
      WebUiInputs.start(service, namespace, taskQueue, run,
          Typed.json("a good start", "{\"plan\":\"three-phases\",\"target\":\"demo\"}"));
      CutoverWorkflowTest.awaitPhase(client, run + ".copy", s -> s.state() == RunState.WAITING_APPROVAL);
      int sent = 0;
      for (OperatorSignal signal : OperatorSignal.values()) {
        for (SignalCase signalCase : WebUiInputs.signalCases(signal)) {
          if (SIGNALS.contains(signalCase.input().label())) {
            long before = WebUiInputs.count(WebUiInputs.answers(client, run), signalCase);
            WebUiInputs.signal(service, namespace, run, signalCase.signal(), signalCase.input());
            WebUiInputs.awaitAnswer(() -> WebUiInputs.answers(client, run), signalCase, before);
            sent++;
          }
        }
      }
      WebUiInputs.queryStatus(service, namespace, run, Typed.json("an array", "[1]"));
      System.out.println("real-server: " + sent + " malformed Web UI signals answered, none failed a workflow task");

      CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class, run);
      cutover.resume(new OperatorAction("alice", "after the corpus"));
      cutover.approve(new GateDecision("go", "alice", null, null));
      assertEquals(RunState.COMPLETED, client.newUntypedWorkflowStub(run).getResult(CutoverResult.class).state());
      for (String workflow : List.of(run, run + ".introduce", run + ".copy", run + ".finish")) {
        WebUiInputs.assertNoWorkflowTaskFailed(client, workflow);
      }
    } finally {
      factory.shutdownNow();
    }
  }
}
