package cutover.workflows;

import cutover.activities.PlanPushRequest;
import cutover.activities.PlanPushResult;

public class PlanPushWorkflowImpl implements PlanPushWorkflow {
  @Override
  public PlanPushResult push(PlanPushRequest request) {
    return ActivityStubs.plans().push(request);
  }
}
