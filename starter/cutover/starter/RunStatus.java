package cutover.starter;

import cutover.worker.TemporalConnection;
import cutover.workflows.CutoverPhaseWorkflow;
import cutover.workflows.CutoverStatus;
import cutover.workflows.CutoverWorkflow;
import cutover.workflows.PhaseStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.common.v1.WorkflowExecution;

/**
 * A run as the operator sees it: the cutover's status and, while a phase runs, that phase's
 * own status (its steps, gates and decisions). A standalone phase has only the latter.
 */
record RunStatus(CutoverStatus cutover, PhaseStatus phase) {

  static RunStatus query(TemporalConnection connection, String workflowId) {
    String type = connection.service().blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace(connection.client().getOptions().getNamespace())
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
            .build())
        .getWorkflowExecutionInfo().getType().getName();
    if (CutoverPhaseWorkflow.TYPE.equals(type)) {
      return new RunStatus(null, connection.client().newWorkflowStub(CutoverPhaseWorkflow.class, workflowId).status());
    }
    CutoverStatus cutover = connection.client().newWorkflowStub(CutoverWorkflow.class, workflowId).status();
    PhaseStatus phase = null;
    if (cutover.currentPhaseWorkflowId() != null) {
      try {
        phase = connection.client().newWorkflowStub(CutoverPhaseWorkflow.class, cutover.currentPhaseWorkflowId()).status();
      } catch (RuntimeException justFinished) {
        // the phase closed between the two queries; the next look shows it in the cutover's list
      }
    }
    return new RunStatus(cutover, phase);
  }
}
