package cutover.starter;

import cutover.worker.TemporalConnection;
import cutover.worker.WorkflowRegistration;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.UUID;

/**
 * Short workflows the CLI runs to reach the ledger through a worker (it has no database
 * credentials), each waited for a bounded time: with no worker polling, the command says so.
 */
final class WorkerCalls {
  /** How long a workflow the CLI starts may wait for a worker to take its first task. */
  static final Duration FIRST_TASK_WAIT = Duration.ofSeconds(15);

  private WorkerCalls() {}

  /** No worker took the call within the wait; the call's workflow was ended unstarted. */
  static final class NoWorker extends RuntimeException {
    NoWorker(String message) {
      super(message);
    }
  }

  /**
   * Runs workflow {@code type} with {@code input} and returns its result.
   *
   * @throws NoWorker when no worker took the workflow's first task within {@link #FIRST_TASK_WAIT}
   * @throws io.temporal.client.WorkflowFailedException when the workflow failed (its message says why)
   */
  static <R> R call(TemporalConnection connection, String type, Object input, Class<R> resultType)
      throws InterruptedException {
    WorkflowStub stub = connection.client().newUntypedWorkflowStub(type, WorkflowOptions.newBuilder()
        .setTaskQueue(WorkflowRegistration.TASK_QUEUE)
        .setWorkflowId("cutover-" + type.toLowerCase(java.util.Locale.ROOT) + "-" + UUID.randomUUID())
        .build());
    String workflowId = stub.start(input).getWorkflowId();
    if (!tookFirstTask(connection, workflowId)) {
      stub.terminate("no worker took its first task within " + FIRST_TASK_WAIT.toSeconds() + " s");
      throw new NoWorker("no worker took the " + type + " request within " + FIRST_TASK_WAIT.toSeconds()
          + " s: is one polling task queue " + WorkflowRegistration.TASK_QUEUE
          + "? Start one with `cutover worker` (or `cutover dev`); nothing was changed");
    }
    return stub.getResult(resultType);
  }

  /** Whether a worker started the workflow's first task within {@link #FIRST_TASK_WAIT}. */
  static boolean tookFirstTask(TemporalConnection connection, String workflowId) throws InterruptedException {
    long deadline = System.nanoTime() + FIRST_TASK_WAIT.toNanos();
    while (true) {
      boolean started = connection.client().fetchHistory(workflowId).getEvents().stream()
          .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
      if (started || System.nanoTime() > deadline) {
        return started;
      }
      Thread.sleep(200);
    }
  }
}
