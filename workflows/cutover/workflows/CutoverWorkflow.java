package cutover.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** One run of a whole plan: its phases in order, each a {@link CutoverPhaseWorkflow} child. */
@WorkflowInterface
public interface CutoverWorkflow extends OperatorSignals {
  String TYPE = "Cutover";

  @WorkflowMethod(name = TYPE)
  CutoverResult run(CutoverRequest request);

  @QueryMethod(name = "status")
  CutoverStatus status();
}
