package cutover.workflows;

import cutover.activities.explain.TargetFacts;
import cutover.activities.explain.TargetFactsRequest;
import io.temporal.failure.ActivityFailure;

public class PlanExplainWorkflowImpl implements PlanExplainWorkflow {
  @Override
  public TargetFacts targetFacts(TargetFactsRequest request) {
    if (request == null || CutoverPhaseWorkflowImpl.blank(request.target())) {
      throw Failures.fatal("PlanExplain needs \"target\", the target to read", "InvalidInput");
    }
    try {
      return ActivityStubs.forTarget(request.target()).explain().targetFacts(request);
    } catch (ActivityFailure failure) {
      throw Failures.onTarget(failure, request.target(), "read the plan's facts");
    }
  }
}
