package cutover.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Malformed inputs as the Temporal Web UI sends them: its input box becomes one {@code json/plain}
 * payload holding exactly the typed bytes, and an empty box may become no payload at all. Each
 * case says what the workflow answers; the tests on the test server and on the real dev server
 * share this table.
 */
final class WebUiInputs {
  private WebUiInputs() {}

  /** What the operator typed: {@code null} is an input box the UI sends as no payload at all. */
  record Typed(String label, String bytes) {
    static Typed noPayload() {
      return new Typed("no payload", null);
    }

    static Typed json(String label, String bytes) {
      return new Typed(label, bytes);
    }

    Payloads payloads() {
      Payloads.Builder payloads = Payloads.newBuilder();
      if (bytes != null) {
        payloads.addPayloads(Payload.newBuilder()
            .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
            .setData(ByteString.copyFrom(bytes, StandardCharsets.UTF_8)));
      }
      return payloads.build();
    }

    @Override
    public String toString() {
      return label + (bytes == null ? "" : ": " + bytes);
    }
  }

  static final String EMPTY_START = "the Cutover input is empty (no payload, empty data or null); nothing was started."
      + " Send e.g. " + CutoverRequest.EXAMPLE;

  static String unusableStart(String problem) {
    return "the Cutover input is not usable: " + problem + ". Send e.g. " + CutoverRequest.EXAMPLE + "; nothing was started";
  }

  /** A start and the failure it must end in at once; {@code busy}: another run holds the target. */
  record StartCase(Typed input, String failure, boolean busy) {
    StartCase(Typed input, String failure) {
      this(input, failure, false);
    }

    @Override
    public String toString() {
      return input.toString();
    }
  }

  static List<StartCase> starts() {
    return List.of(
        new StartCase(Typed.json("unknown plan", "{\"plan\":\"no-such-plan\",\"target\":\"demo\"}"),
            "no plan named 'no-such-plan' is pushed"),
        new StartCase(Typed.json("unknown target", "{\"plan\":\"three-phases\",\"target\":\"nowhere\"}"),
            "no worker serves target 'nowhere': none took work off task queue cutover.target.nowhere within 60 s. Start `cutover worker` with target 'nowhere' configured (or check the name), then try again; nothing was changed"),
        new StartCase(Typed.json("an array instead of an object", "[{\"plan\":\"three-phases\",\"target\":\"demo\"}]"),
            unusableStart("it must be a JSON object, not an array")),
        new StartCase(Typed.json("empty data", ""), EMPTY_START),
        new StartCase(Typed.json("null", "null"), EMPTY_START),
        new StartCase(Typed.noPayload(), EMPTY_START),
        new StartCase(Typed.json("a second start on a busy target", "{\"plan\":\"three-phases\",\"target\":\"demo\"}"),
            "target 'demo' already has an active cutover: run busy-holder", true),
        new StartCase(Typed.json("allowFixes as text", "{\"plan\":\"three-phases\",\"target\":\"demo\",\"allowFixes\":\"yes\"}"),
            unusableStart("\"allowFixes\" must be true or false, not the text \"yes\"")),
        new StartCase(Typed.json("a number for plan", "{\"plan\":5,\"target\":\"demo\"}"),
            unusableStart("\"plan\" must be text, not the number 5")),
        new StartCase(Typed.json("an object for plan", "{\"plan\":{\"name\":\"three-phases\"},\"target\":\"demo\"}"),
            unusableStart("\"plan\" must be text, not an object")),
        new StartCase(Typed.json("two fields mistyped", "{\"plan\":\"three-phases\",\"target\":[\"demo\"],\"startedBy\":true}"),
            unusableStart("\"target\" must be text, not an array; \"startedBy\" must be text, not true")),
        new StartCase(Typed.json("a JSON string", "\"three-phases\""),
            unusableStart("it must be a JSON object, not the text \"three-phases\"")),
        new StartCase(Typed.json("not JSON", "{plan: three-phases}"),
            unusableStart("it must be a JSON object, not the text \"{plan: three-phases}\"")),
        new StartCase(Typed.json("no target", "{\"plan\":\"three-phases\"}"),
            "Cutover needs \"plan\" (a pushed plan's name) and \"target\" (a target configured on the worker), e.g. "
                + CutoverRequest.EXAMPLE));
  }

  /** Starts of a phase alone, as the UI can start any workflow type. */
  static List<StartCase> phaseStarts() {
    String empty = "the CutoverPhase input is empty (no payload, empty data or null); nothing was started."
        + " Send e.g. " + PhaseRequest.EXAMPLE;
    String unusable = "the CutoverPhase input is not usable: %s. Send e.g. " + PhaseRequest.EXAMPLE + "; nothing was started";
    return List.of(
        new StartCase(Typed.noPayload(), empty),
        new StartCase(Typed.json("empty data", ""), empty),
        new StartCase(Typed.json("null", "null"), empty),
        new StartCase(Typed.json("an array instead of an object", "[]"),
            unusable.formatted("it must be a JSON object, not an array")),
        new StartCase(Typed.json("a number for phase", "{\"plan\":\"three-phases\",\"target\":\"demo\",\"phase\":2}"),
            unusable.formatted("\"phase\" must be text, not the number 2")),
        new StartCase(Typed.json("unknown phase", "{\"plan\":\"three-phases\",\"target\":\"demo\",\"phase\":\"nope\"}"),
            "plan 'three-phases' has no phase 'nope'; its phases are: introduce, copy, finish"));
  }

  /** A signal sent to a run held at gate {@code go}, and how the run answers it. */
  record SignalCase(OperatorSignal signal, Typed input, boolean accepted, String answer) {
    @Override
    public String toString() {
      return signal.word() + " with " + input;
    }
  }

  static String unusable(OperatorSignal signal, String problem, String example) {
    return "refused: " + signal.word() + " — the payload is not usable: " + problem + ". Send e.g. " + example;
  }

  /** Malformed payloads every signal refuses the same way: not an object, or a field of the wrong type. */
  private static void unusableFor(List<SignalCase> cases, OperatorSignal signal, String example, String mistyped,
      String mistypedProblem) {
    cases.add(new SignalCase(signal, Typed.json("an array instead of an object", "[\"go\"]"), false,
        unusable(signal, "it must be a JSON object, not an array", example)));
    cases.add(new SignalCase(signal, Typed.json("a JSON string", "\"alice\""), false,
        unusable(signal, "it must be a JSON object, not the text \"alice\"", example)));
    cases.add(new SignalCase(signal, Typed.json("a number", "42"), false,
        unusable(signal, "it must be a JSON object, not the number 42", example)));
    cases.add(new SignalCase(signal, Typed.json("not JSON", "{by: alice}"), false,
        unusable(signal, "it must be a JSON object, not the text \"{by: alice}\"", example)));
    cases.add(new SignalCase(signal, Typed.json("a mistyped field", mistyped), false,
        unusable(signal, mistypedProblem, example)));
  }

  /**
   * The payloads sent with one signal to a run held at approval gate {@code go}: none may fail a
   * workflow task or move the run, except an anonymous pause or resume, which is applied.
   */
  static List<SignalCase> signalCases(OperatorSignal signal) {
    List<SignalCase> cases = new ArrayList<>();
    switch (signal) {
      case APPROVE, REJECT, SKIP -> {
        String anonymous = "refused: " + signal.word() + " of no gate by nobody — a decision must say who makes it";
        emptyInputs(cases, signal, false, anonymous);
        unusableFor(cases, signal, GateDecision.EXAMPLE, "{\"gate\":\"go\",\"by\":7}", "\"by\" must be text, not the number 7");
        cases.add(new SignalCase(signal, Typed.json("an object for gate", "{\"gate\":{\"id\":\"go\"},\"by\":\"alice\"}"),
            false, unusable(signal, "\"gate\" must be text, not an object", GateDecision.EXAMPLE)));
        cases.add(new SignalCase(signal, Typed.json("unknown gate", "{\"gate\":\"nope\",\"by\":\"alice\"}"), false,
            "refused: " + signal.word() + " of 'nope' by alice — " + (signal == OperatorSignal.SKIP
                ? "gate 'nope' is not a wait or soak that is holding"
                : "gate 'nope' is not waiting for a decision (waiting: 'go')")));
      }
      case RETRY, ROLLBACK, PAUSE, RESUME -> {
        unusableFor(cases, signal, OperatorAction.EXAMPLE, "{\"by\":[\"alice\"]}", "\"by\" must be text, not an array");
        cases.add(new SignalCase(signal, Typed.json("a mistyped reason", "{\"by\":\"alice\",\"reason\":{\"why\":1}}"),
            false, unusable(signal, "\"reason\" must be text, not an object", OperatorAction.EXAMPLE)));
        cases.add(new SignalCase(signal, Typed.json("a number for requestId", "{\"by\":\"alice\",\"requestId\":5}"),
            false, unusable(signal, "\"requestId\" must be text, not the number 5", OperatorAction.EXAMPLE)));
        cases.add(new SignalCase(signal, Typed.json("true", "true"), false,
            unusable(signal, "it must be a JSON object, not true", OperatorAction.EXAMPLE)));
        switch (signal) {
          case RETRY -> emptyInputs(cases, signal, false, "retry by unknown ignored: nothing is waiting for a retry");
          case PAUSE -> emptyInputs(cases, signal, true, "paused by unknown");
          case RESUME -> emptyInputs(cases, signal, true, "resumed by unknown");
          default -> { } // an anonymous rollback is applied: the run would roll back, so it is not sent here
        }
      }
      case ACCEPT -> {
        emptyInputs(cases, signal, false,
            "refused: accept of no gate by nobody — an acceptance must say who accepts (--by)");
        unusableFor(cases, signal, Acceptance.EXAMPLE, "{\"step\":\"go\",\"by\":7}",
            "\"by\" must be text, not the number 7");
        cases.add(new SignalCase(signal, Typed.json("no reason", "{\"step\":\"go\",\"by\":\"alice\"}"), false,
            "refused: accept of 'go' by alice — an acceptance needs a reason (--reason), e.g. the ticket that tracks "
                + "the findings"));
        cases.add(new SignalCase(signal, Typed.json("a step that has not failed",
            "{\"step\":\"go\",\"by\":\"alice\",\"reason\":\"known\"}"), false,
            "refused: accept of 'go' by alice — step 'go' is not waiting after a failure: there are no findings to "
                + "accept"));
      }
      case DONE -> {
        emptyInputs(cases, signal, false, "refused: done of no gate by nobody — a decision must say who makes it");
        unusableFor(cases, signal, GateDecision.EXAMPLE, "{\"gate\":\"go\",\"by\":7}",
            "\"by\" must be text, not the number 7");
        cases.add(new SignalCase(signal, Typed.json("not a task", "{\"gate\":\"go\",\"by\":\"alice\"}"), false,
            "refused: done of 'go' by alice — step 'go' is not a task waiting for its work"));
      }
      case TUNE -> {
        emptyInputs(cases, signal, false, "tune by unknown refused: tune needs a batch size or a rate");
        unusableFor(cases, signal, Tuning.EXAMPLE, "{\"by\":\"alice\",\"batchSize\":\"lots\"}",
            "\"batchSize\" must be a whole number, not the text \"lots\"");
        cases.add(new SignalCase(signal, Typed.json("a fraction for rate", "{\"by\":\"alice\",\"rate\":1.5}"), false,
            unusable(signal, "\"rate\" must be a whole number, not the number 1.5", Tuning.EXAMPLE)));
        cases.add(new SignalCase(signal, Typed.json("a batch size beyond int", "{\"by\":\"alice\",\"batchSize\":99999999999}"),
            false, unusable(signal, "\"batchSize\" must be a whole number, not the number 99999999999", Tuning.EXAMPLE)));
        cases.add(new SignalCase(signal, Typed.json("no backfill running", "{\"by\":\"alice\",\"batchSize\":5000}"),
            false, "tune by alice refused: no backfill is running"));
      }
    }
    return cases;
  }

  /** No payload, empty data and {@code null}, which all arrive as a null payload. */
  private static void emptyInputs(List<SignalCase> cases, OperatorSignal signal, boolean accepted, String answer) {
    for (Typed empty : List.of(Typed.noPayload(), Typed.json("empty data", ""), Typed.json("null", "null"))) {
      cases.add(new SignalCase(signal, empty, accepted, answer));
    }
  }

  // --- sending as the Web UI does ----------------------------------------------------------

  static void start(WorkflowServiceStubs service, String namespace, String taskQueue, String workflowId, Typed input) {
    start(service, namespace, taskQueue, CutoverWorkflow.TYPE, workflowId, input);
  }

  static void start(WorkflowServiceStubs service, String namespace, String taskQueue, String workflowType,
      String workflowId, Typed input) {
    service.blockingStub().startWorkflowExecution(StartWorkflowExecutionRequest.newBuilder()
        .setNamespace(namespace)
        .setWorkflowId(workflowId)
        .setWorkflowType(WorkflowType.newBuilder().setName(workflowType))
        .setTaskQueue(TaskQueue.newBuilder().setName(taskQueue))
        .setInput(input.payloads())
        .setRequestId(UUID.randomUUID().toString())
        .build());
  }

  static void signal(WorkflowServiceStubs service, String namespace, String workflowId, OperatorSignal signal,
      Typed input) {
    service.blockingStub().signalWorkflowExecution(SignalWorkflowExecutionRequest.newBuilder()
        .setNamespace(namespace)
        .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
        .setSignalName(signal.word())
        .setInput(input.payloads())
        .setIdentity("temporal-ui")
        .setRequestId(UUID.randomUUID().toString())
        .build());
  }

  /** The {@code status} query with an argument typed in the UI's query box; the answer must still come. */
  static void queryStatus(WorkflowServiceStubs service, String namespace, String workflowId, Typed argument) {
    var response = service.blockingStub().queryWorkflow(QueryWorkflowRequest.newBuilder()
        .setNamespace(namespace)
        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
        .setQuery(WorkflowQuery.newBuilder().setQueryType("status").setQueryArgs(argument.payloads()))
        .build());
    assertTrue(response.hasQueryResult() && response.getQueryResult().getPayloadsCount() == 1,
        "status answered with " + argument);
  }

  // --- what must hold afterwards -----------------------------------------------------------

  /** The start failed at once, readably, with the expected message, and no workflow task ever failed. */
  static void assertFailedReadably(WorkflowClient client, String workflowId, String expected) {
    WorkflowFailedException failure = assertThrows(WorkflowFailedException.class,
        () -> client.newUntypedWorkflowStub(workflowId).getResult(Object.class));
    assertEquals(expected, Failures.describe(failure));
    assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED, status(client, workflowId));
    assertNoWorkflowTaskFailed(client, workflowId);
  }

  static WorkflowExecutionStatus status(WorkflowClient client, String workflowId) {
    return client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
            .build()).getWorkflowExecutionInfo().getStatus();
  }

  static void assertNoWorkflowTaskFailed(WorkflowClient client, String workflowId) {
    List<HistoryEvent> events = client.fetchHistory(workflowId).getHistory().getEventsList();
    assertFalse(events.stream().anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED),
        workflowId + ": a workflow task failed");
  }

  /** How many of these answers answer the case (the same refusal may come more than once). */
  static long count(List<SignalAnswer> answers, SignalCase expected) {
    return answers.stream().filter(a -> a.signal() == expected.signal() && a.message().equals(expected.answer())).count();
  }

  /** Waits until the run or its phase answered the signal once more with this message, as accepted or refused. */
  static void awaitAnswer(Supplier<List<SignalAnswer>> answers, SignalCase expected, long before) {
    long deadline = System.currentTimeMillis() + 20_000;
    List<SignalAnswer> seen = List.of();
    while (System.currentTimeMillis() < deadline) {
      seen = answers.get();
      if (count(seen, expected) > before) {
        boolean accepted = seen.stream().filter(a -> a.message().equals(expected.answer()))
            .allMatch(a -> a.accepted() == expected.accepted());
        assertTrue(accepted, expected + ": expected " + (expected.accepted() ? "accepted" : "refused") + "; " + seen);
        return;
      }
      CutoverWorkflowTest.sleep(50);
    }
    throw new AssertionError(expected + ": no answer \"" + expected.answer() + "\"; answers: " + seen);
  }

  /** The answers of a run and of its running phase. */
  static List<SignalAnswer> answers(WorkflowClient client, String run) {
    CutoverStatus status = client.newWorkflowStub(CutoverWorkflow.class, run).status();
    List<SignalAnswer> all = new ArrayList<>(status.answers());
    if (status.currentPhaseWorkflowId() != null) {
      all.addAll(client.newWorkflowStub(CutoverPhaseWorkflow.class, status.currentPhaseWorkflowId()).status().answers());
    }
    return all;
  }
}
