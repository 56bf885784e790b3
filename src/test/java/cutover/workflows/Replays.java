package cutover.workflows;

import cutover.worker.CutoverDataConverter;
import cutover.worker.WorkflowRegistration;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;

/** Replays a history on today's workflow code, reading its payloads as cutover's workers do. */
final class Replays {
  private Replays() {}

  static void replay(WorkflowExecutionHistory history) throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(CutoverDataConverter.create())
            .build())
        .build())) {
      // a replay checks determinism; a first replay that loads classes on a busy machine is no deadlock
      Worker worker = env.newWorker("replay", WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(30_000).build());
      WorkflowRegistration.register(worker);
      WorkflowReplayer.replayWorkflowExecution(history, worker);
    }
  }
}
