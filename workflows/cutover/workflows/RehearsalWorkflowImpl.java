package cutover.workflows;

import cutover.activities.Rehearsal;
import cutover.activities.RehearsalRequest;
import io.temporal.failure.ActivityFailure;

public class RehearsalWorkflowImpl implements RehearsalWorkflow {
  @Override
  public Rehearsal rehearse(RehearsalRequest request) {
    if (request == null || CutoverPhaseWorkflowImpl.blank(request.target()) || CutoverPhaseWorkflowImpl.blank(request.plan())) {
      throw Failures.fatal("a rehearsal needs a plan and a target", "InvalidInput");
    }
    try {
      return ActivityStubs.forTarget(request.target()).rehearsals().rehearse(request);
    } catch (ActivityFailure failure) {
      throw Failures.onTarget(failure, request.target(), "rehearse the plan");
    }
  }
}
