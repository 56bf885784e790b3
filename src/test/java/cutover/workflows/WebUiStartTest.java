package cutover.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Starts exactly as the Temporal Web UI's start form does: one {@code json/plain} payload holding typed JSON. */
class WebUiStartTest {

  @RegisterExtension
  static final TestWorkflowExtension temporal = CutoverWorkflowTest.extension();

  static void startAsTheWebUi(TestWorkflowEnvironment env, String workflowType, String workflowId, String taskQueue,
      String typedJson) {
    Payload payload = Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFrom(typedJson, StandardCharsets.UTF_8))
        .build();
    env.getWorkflowServiceStubs().blockingStub().startWorkflowExecution(StartWorkflowExecutionRequest.newBuilder()
        .setNamespace(env.getNamespace())
        .setWorkflowId(workflowId)
        .setWorkflowType(WorkflowType.newBuilder().setName(workflowType))
        .setTaskQueue(TaskQueue.newBuilder().setName(taskQueue))
        .setInput(Payloads.newBuilder().addPayloads(payload))
        .setRequestId(UUID.randomUUID().toString())
        .build());
  }

  @Test
  void startsACutoverFromTypedJsonIgnoringUnknownFields(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    FakeActivities fake = new FakeActivities(CutoverWorkflowTest.PLAN);
    fake.serveOn(env, worker);
    env.start();

    startAsTheWebUi(env, CutoverWorkflow.TYPE, "from-ui", worker.getTaskQueue(),
        "{\"plan\":\"three-phases\",\"target\":\"demo\",\"note\":\"typed by a person\"}");
    CutoverWorkflowTest.awaitPhase(client, "from-ui.copy", s -> s.state() == RunState.WAITING_APPROVAL);
    client.newWorkflowStub(CutoverWorkflow.class, "from-ui").approve(new GateDecision("go", "alice", null, null));

    CutoverResult result = client.newUntypedWorkflowStub("from-ui").getResult(CutoverResult.class);
    assertEquals(RunState.COMPLETED, result.state());
    assertEquals("from-ui", result.run());
  }

  @Test
  void aWrongTypeFailsTheRunReadablyInsteadOfRetrying(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    new FakeActivities(CutoverWorkflowTest.PLAN).serveOn(env, worker);
    env.start();

    startAsTheWebUi(env, CutoverWorkflow.TYPE, "wrong-type", worker.getTaskQueue(),
        "{\"plan\":{\"name\":\"three-phases\"},\"target\":\"demo\"}");
    WorkflowFailedException failure = assertThrows(WorkflowFailedException.class,
        () -> client.newUntypedWorkflowStub("wrong-type").getResult(CutoverResult.class));
    String message = Failures.describe(failure);
    assertTrue(message.contains("plan"), message);
  }

  @Test
  void aMissingFieldFailsTheRunSayingWhatToSend(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    new FakeActivities(CutoverWorkflowTest.PLAN).serveOn(env, worker);
    env.start();

    startAsTheWebUi(env, CutoverPhaseWorkflow.TYPE, "no-phase", worker.getTaskQueue(),
        "{\"plan\":\"three-phases\",\"target\":\"demo\"}");
    WorkflowFailedException failure = assertThrows(WorkflowFailedException.class,
        () -> client.newUntypedWorkflowStub("no-phase").getResult(PhaseResult.class));
    String message = Failures.describe(failure);
    assertTrue(message.contains("CutoverPhase needs \"plan\", \"target\" and \"phase\""), message);
  }
}
