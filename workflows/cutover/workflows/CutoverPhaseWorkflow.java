package cutover.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** One phase of a plan: its steps in order, with gates, failure handling and rollback. */
@WorkflowInterface
public interface CutoverPhaseWorkflow extends OperatorSignals {
  String TYPE = "CutoverPhase";

  @WorkflowMethod(name = TYPE)
  PhaseResult run(PhaseRequest request);

  @QueryMethod(name = "status")
  PhaseStatus status();
}
