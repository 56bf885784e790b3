package cutover.workflows;

import cutover.activities.explain.TargetFacts;
import cutover.activities.explain.TargetFactsRequest;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Reads what {@code cutover plan explain --target} needs from the target through the worker that
 * has it: the CLI holds no database credentials, and the answer holds counts and rates only.
 */
@WorkflowInterface
public interface PlanExplainWorkflow {
  String TYPE = "PlanExplain";

  @WorkflowMethod(name = TYPE)
  TargetFacts targetFacts(TargetFactsRequest request);
}
