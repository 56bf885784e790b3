package cutover.workflows;

import cutover.activities.PlanPushRequest;
import cutover.activities.PlanPushResult;
import io.temporal.failure.ActivityFailure;
import java.util.List;

public class PlanPushWorkflowImpl implements PlanPushWorkflow {
  @Override
  public PlanPushResult push(PlanPushRequest sent) {
    PlanPushRequest request = sent == null ? new PlanPushRequest(null, null, null, null) : sent;
    String target = request.target();
    if (CutoverPhaseWorkflowImpl.blank(target)) {
      if (!ActivityStubs.targetQueues()) {
        return ActivityStubs.anyTarget().plansBeforeStart().push(request); // a push from before target queues
      }
      // The plan's own target decides which workers may register it; any worker can read it.
      PlanPushResult read = ActivityStubs.anyTarget().plansBeforeStart().readTarget(request);
      if (!read.problems().isEmpty()) {
        return read;
      }
      target = read.target();
    }
    try {
      TargetTaskQueue.of(target);
    } catch (IllegalArgumentException invalid) {
      return new PlanPushResult(null, target, null, false, List.of(invalid.getMessage()));
    }
    try {
      return ActivityStubs.forTarget(target).plansBeforeStart().push(request);
    } catch (ActivityFailure failure) {
      throw Failures.onTarget(failure, target, "register the plan");
    }
  }
}
