package cutover.workflows;

import cutover.activities.PlanPushRequest;
import cutover.activities.PlanPushResult;
import cutover.activities.steps.StepKinds;
import cutover.plan.InvalidPlanException;
import cutover.plan.PlanParser;
import cutover.plan.PlanProblem;

public class PlanPushWorkflowImpl implements PlanPushWorkflow {
  @Override
  public PlanPushResult push(PlanPushRequest sent) {
    PlanPushRequest request = sent == null ? new PlanPushRequest(null, null, null, null) : sent;
    String target = request.target();
    if (CutoverPhaseWorkflowImpl.blank(target)) {
      // The plan's own target decides which workers may register it: read it here, where the
      // parse is deterministic; a plan that does not parse is refused as the worker would refuse it.
      try {
        target = PlanParser.parse(request.yaml(), request.fileName() == null ? "plan.yaml" : request.fileName(), null,
            StepKinds.ALL).target();
      } catch (InvalidPlanException invalid) {
        return new PlanPushResult(null, null, null, false, invalid.problems().stream().map(PlanProblem::format).toList());
      }
    }
    return ActivityStubs.forTarget(target).plans().push(request);
  }
}
