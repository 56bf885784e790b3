package cutover.starter;

import cutover.worker.TemporalConnection;
import cutover.workflows.CutoverSearchAttributes;
import cutover.workflows.CutoverWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowExecutionMetadata;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/** Runs as Temporal's visibility sees them: the {@code Cutover} workflows and their search attributes. */
final class VisibilityRuns {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  record Run(String runId, String target, String plan, String state, String status, Instant started, Instant closed) {}

  private VisibilityRuns() {}

  /** The visibility query for the cutovers of a target (every target when null). */
  static String query(String target, boolean runningOnly) {
    StringBuilder query = new StringBuilder("WorkflowType = '" + CutoverWorkflow.TYPE + "'");
    if (target != null) {
      if (!NAME.matcher(target).matches()) {
        throw new IllegalArgumentException("--target " + target + ": a target name has letters, digits, '_', '.' or '-' only");
      }
      query.append(" AND ").append(CutoverSearchAttributes.TARGET.getName()).append(" = '").append(target).append('\'');
    }
    if (runningOnly) {
      query.append(" AND ExecutionStatus = 'Running'");
    }
    return query.toString();
  }

  static List<Run> list(TemporalConnection connection, String query, int limit) {
    return connection.client().listExecutions(query).limit(limit).map(VisibilityRuns::run).toList();
  }

  private static Run run(WorkflowExecutionMetadata workflow) {
    var attributes = workflow.getTypedSearchAttributes();
    return new Run(workflow.getExecution().getWorkflowId(),
        attributes.get(CutoverSearchAttributes.TARGET), attributes.get(CutoverSearchAttributes.PLAN),
        attributes.get(CutoverSearchAttributes.STATE), status(workflow.getStatus()), workflow.getStartTime(),
        workflow.getCloseTime());
  }

  private static String status(WorkflowExecutionStatus status) {
    return status.name().substring("WORKFLOW_EXECUTION_STATUS_".length()).toLowerCase(java.util.Locale.ROOT);
  }
}
