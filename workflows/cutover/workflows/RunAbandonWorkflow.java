package cutover.workflows;

import cutover.activities.AbandonRun;
import cutover.activities.AbandonedRun;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Marks a run abandoned in the ledger through the worker (the CLI has no database credentials);
 * `cutover abandon` then ends the run's own workflows.
 */
@WorkflowInterface
public interface RunAbandonWorkflow {
  String TYPE = "RunAbandon";

  @WorkflowMethod(name = TYPE)
  AbandonedRun abandon(AbandonRun request);
}
