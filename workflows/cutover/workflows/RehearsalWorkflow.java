package cutover.workflows;

import cutover.activities.Rehearsal;
import cutover.activities.RehearsalRequest;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Rehearses a pushed plan's SQL on its target's worker, in a transaction rolled back at the end:
 * the client needs nothing but Temporal, as for a plan push.
 */
@WorkflowInterface
public interface RehearsalWorkflow {
  String TYPE = "Rehearsal";

  @WorkflowMethod(name = TYPE)
  Rehearsal rehearse(RehearsalRequest request);
}
