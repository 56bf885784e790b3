package cutover.starter;

import cutover.worker.TemporalConnection;
import cutover.workflows.CutoverPhaseWorkflow;
import cutover.workflows.CutoverStatus;
import cutover.workflows.CutoverWorkflow;
import cutover.workflows.PhaseStatus;
import cutover.activities.StepHeartbeat;
import cutover.activities.StepProgress;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.common.converter.DataConverter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import io.temporal.api.common.v1.WorkflowExecution;

/**
 * A run as the operator sees it: the cutover's status and, while a phase runs, that phase's
 * own status (its steps, gates and decisions). A standalone phase has only the latter.
 *
 * <p>{@code progress} is what the running phase's backfill parts last reported in their
 * heartbeats: read from Temporal's pending activities (DescribeWorkflowExecution, as the Temporal
 * UI shows them), so the workflow's history holds no progress at all. Heartbeats reach the server
 * every few seconds, so it lags the work by that much.
 *
 * <p>{@code ending} is how the workflow ended, as Temporal has it; null while it runs. A workflow that
 * failed answers its query with the state it had when it failed.
 */
record RunStatus(String workflowId, CutoverStatus cutover, PhaseStatus phase, List<StepProgress> progress,
    WorkflowEnding ending) {

  /** @throws io.grpc.StatusRuntimeException NOT_FOUND when Temporal has no such workflow */
  static RunStatus query(TemporalConnection connection, String workflowId) {
    DescribeWorkflowExecutionResponse described = describe(connection, workflowId);
    WorkflowEnding ending = described.getWorkflowExecutionInfo().getStatus()
        == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING ? null
        : WorkflowEnding.of(connection, workflowId).orElse(null);
    String type = described.getWorkflowExecutionInfo().getType().getName();
    if (CutoverPhaseWorkflow.TYPE.equals(type)) {
      return new RunStatus(workflowId, null,
          connection.client().newWorkflowStub(CutoverPhaseWorkflow.class, workflowId).status(),
          progress(connection, workflowId), ending);
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
    return new RunStatus(workflowId, cutover, phase,
        cutover.currentPhaseWorkflowId() == null ? List.of() : progress(connection, cutover.currentPhaseWorkflowId()),
        ending);
  }

  private static DescribeWorkflowExecutionResponse describe(TemporalConnection connection, String workflowId) {
    return connection.service().blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
        .setNamespace(connection.client().getOptions().getNamespace())
        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
        .build());
  }

  /** The progress in the heartbeats of the workflow's pending activities, by step and part. */
  static List<StepProgress> progress(TemporalConnection connection, String workflowId) {
    List<StepProgress> found = new ArrayList<>();
    try {
      DataConverter converter = connection.client().getOptions().getDataConverter();
      for (PendingActivityInfo activity : describe(connection, workflowId).getPendingActivitiesList()) {
        if (!activity.hasHeartbeatDetails()) {
          continue;
        }
        StepHeartbeat beat = converter.fromPayloads(0, Optional.of(activity.getHeartbeatDetails()),
            StepHeartbeat.class, StepHeartbeat.class);
        if (beat != null && beat.progress() != null) {
          found.add(beat.progress());
        }
      }
    } catch (RuntimeException closedOrUnreadable) {
      return List.of();
    }
    found.sort(Comparator.comparing(StepProgress::stepId).thenComparing(StepProgress::action)
        .thenComparingInt(StepProgress::part));
    return found;
  }
}
