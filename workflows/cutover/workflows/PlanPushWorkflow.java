package cutover.workflows;

import cutover.activities.PlanPushRequest;
import cutover.activities.PlanPushResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Registers a plan through the worker, which alone holds the targets' connections: a client
 * needs nothing but Temporal to push a plan.
 */
@WorkflowInterface
public interface PlanPushWorkflow {
  String TYPE = "PlanPush";

  @WorkflowMethod(name = TYPE)
  PlanPushResult push(PlanPushRequest request);
}
