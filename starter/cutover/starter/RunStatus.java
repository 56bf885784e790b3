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
import java.util.Objects;
import java.util.Optional;
import io.temporal.api.common.v1.WorkflowExecution;

/**
 * A run as the operator sees it: the cutover's status and, while a phase runs, that phase's
 * own status (its steps, gates and decisions). A standalone phase has only the latter.
 *
 * <p>{@code progress} is what the running phase's backfill parts last reported in their
 * heartbeats, and {@code lockWaits} the heartbeats of its steps that retry lock timeouts (who
 * blocks them, since when, against which budget): read from Temporal's pending activities
 * (DescribeWorkflowExecution, as the Temporal UI shows them), so the workflow's history holds
 * neither. Heartbeats reach the server every few seconds, so they lag the work by that much.
 *
 * <p>{@code ending} is how the workflow ended, as Temporal has it; null while it runs. A workflow that
 * failed answers its query with the state it had when it failed.
 */
record RunStatus(String workflowId, CutoverStatus cutover, PhaseStatus phase, List<StepProgress> progress,
    List<StepHeartbeat> lockWaits, WorkflowEnding ending) {

  /** The notices of the run and of its running phase, each said once ({@link #notices(List, List)}). */
  List<String> notices() {
    return notices(cutover == null ? List.of() : cutover.notices(), phase == null ? List.of() : phase.notices());
  }

  /**
   * The run's notices, then its phase's that are not the same: a pause or resume sent to the run
   * is forwarded to its phase, and both answer it ({@code paused by ops}, the phase's perhaps with
   * more after a {@code ;}). Each of the phase's takes the place of the first of the run's it
   * repeats, with its own words; two pauses are still two.
   */
  static List<String> notices(List<String> run, List<String> phase) {
    List<String> merged = new ArrayList<>(run);
    boolean[] matched = new boolean[run.size()];
    for (String notice : phase) {
      int same = -1;
      for (int i = 0; i < run.size() && same < 0; i++) {
        if (!matched[i] && (notice.equals(run.get(i)) || notice.startsWith(run.get(i) + "; "))) {
          same = i;
        }
      }
      if (same < 0) {
        merged.add(notice);
      } else {
        matched[same] = true;
        merged.set(same, notice);
      }
    }
    return merged;
  }

  /** @throws io.grpc.StatusRuntimeException NOT_FOUND when Temporal has no such workflow */
  static RunStatus query(TemporalConnection connection, String workflowId) {
    DescribeWorkflowExecutionResponse described = describe(connection, workflowId);
    WorkflowEnding ending = described.getWorkflowExecutionInfo().getStatus()
        == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING ? null
        : WorkflowEnding.of(connection, workflowId).orElse(null);
    String type = described.getWorkflowExecutionInfo().getType().getName();
    if (CutoverPhaseWorkflow.TYPE.equals(type)) {
      PhaseStatus phase = WaveStatus.withRunningWave(connection,
          connection.client().newWorkflowStub(CutoverPhaseWorkflow.class, workflowId).status());
      List<StepHeartbeat> beats = heartbeats(connection, workflowId);
      return new RunStatus(workflowId, null, phase, progress(beats), lockWaits(beats), ending);
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
    phase = WaveStatus.withRunningWave(connection, phase);
    List<StepHeartbeat> beats = cutover.currentPhaseWorkflowId() == null ? List.of()
        : heartbeats(connection, cutover.currentPhaseWorkflowId());
    return new RunStatus(workflowId, cutover, phase, progress(beats), lockWaits(beats), ending);
  }

  private static DescribeWorkflowExecutionResponse describe(TemporalConnection connection, String workflowId) {
    return connection.service().blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
        .setNamespace(connection.client().getOptions().getNamespace())
        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
        .build());
  }

  /** The last heartbeats of the workflow's pending activities; none when it closed or they cannot be read. */
  static List<StepHeartbeat> heartbeats(TemporalConnection connection, String workflowId) {
    List<StepHeartbeat> found = new ArrayList<>();
    try {
      DataConverter converter = connection.client().getOptions().getDataConverter();
      for (PendingActivityInfo activity : describe(connection, workflowId).getPendingActivitiesList()) {
        if (!activity.hasHeartbeatDetails()) {
          continue;
        }
        StepHeartbeat beat = converter.fromPayloads(0, Optional.of(activity.getHeartbeatDetails()),
            StepHeartbeat.class, StepHeartbeat.class);
        if (beat != null) {
          found.add(beat);
        }
      }
    } catch (RuntimeException closedOrUnreadable) {
      return List.of();
    }
    return found;
  }

  /** The progress in the heartbeats, by step and part. */
  static List<StepProgress> progress(List<StepHeartbeat> beats) {
    return beats.stream().map(StepHeartbeat::progress).filter(Objects::nonNull)
        .sorted(Comparator.comparing(StepProgress::stepId).thenComparing(StepProgress::action)
            .thenComparingInt(StepProgress::part))
        .toList();
  }

  /** The heartbeats of steps retrying lock timeouts, by step (and part). */
  static List<StepHeartbeat> lockWaits(List<StepHeartbeat> beats) {
    return beats.stream().filter(b -> b.lockWait() != null)
        .sorted(Comparator.comparing(StepHeartbeat::stepId, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(b -> b.progress() == null ? 0 : b.progress().part()))
        .toList();
  }
}
