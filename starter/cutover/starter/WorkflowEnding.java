package cutover.starter;

import cutover.worker.TemporalConnection;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import java.util.Map;
import java.util.Optional;

/**
 * How a workflow that no longer runs ended, in words: for commands that find a run finished.
 *
 * @param status Temporal's status of the workflow
 * @param how e.g. {@code completed with state ROLLED_BACK}, {@code failed: target 'demo' already has ...}
 */
record WorkflowEnding(WorkflowExecutionStatus status, String how) {

  /** How the workflow ended; empty while it runs and when Temporal has no such workflow. */
  static Optional<WorkflowEnding> of(TemporalConnection connection, String workflowId) {
    WorkflowExecutionStatus status = status(connection, workflowId);
    if (status == null || status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return Optional.empty();
    }
    String how;
    try {
      Map<?, ?> result = connection.client().newUntypedWorkflowStub(workflowId).getResult(Map.class);
      Object state = result == null ? null : result.get("state");
      how = "completed" + (state == null ? "" : " with state " + state);
    } catch (RuntimeException ended) {
      how = word(status) + ": " + Failures.message(ended);
    }
    return Optional.of(new WorkflowEnding(status, how));
  }

  /** Temporal's status of the workflow; null when it has no such workflow. */
  static WorkflowExecutionStatus status(TemporalConnection connection, String workflowId) {
    try {
      return connection.service().blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(connection.client().getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
              .build())
          .getWorkflowExecutionInfo().getStatus();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return null;
      }
      throw e;
    }
  }

  /** {@code failed}, {@code terminated}, ...: the status's own word. */
  static String word(WorkflowExecutionStatus status) {
    return status.name().replace("WORKFLOW_EXECUTION_STATUS_", "").toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }

  boolean completed() {
    return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED;
  }
}
