package cutover.workflows;

import cutover.activities.AbandonRun;
import cutover.activities.AbandonedRun;
import io.temporal.failure.ActivityFailure;

public class RunAbandonWorkflowImpl implements RunAbandonWorkflow {
  @Override
  public AbandonedRun abandon(AbandonRun request) {
    // a request that names no target is answered by whichever worker takes it, from its own targets
    ActivityStubs activities = request == null || CutoverPhaseWorkflowImpl.blank(request.target())
        ? ActivityStubs.anyTarget() : ActivityStubs.forTarget(request.target());
    try {
      return activities.ledger().abandonRun(request);
    } catch (ActivityFailure refused) {
      throw Failures.fatal(Failures.describe(refused), "AbandonRefused");
    }
  }
}
