package cutover.workflows;

import cutover.activities.steps.soak.SoakProgressSignal;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** One phase of a plan: its steps in order, with gates, failure handling and rollback. */
@WorkflowInterface
public interface CutoverPhaseWorkflow extends OperatorSignals, SoakProgressSignal {
  String TYPE = "CutoverPhase";

  @WorkflowMethod(name = TYPE)
  PhaseResult run(PhaseRequest request);

  @QueryMethod(name = "status")
  PhaseStatus status();
}
