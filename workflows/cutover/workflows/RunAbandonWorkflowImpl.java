package cutover.workflows;

import cutover.activities.AbandonRun;
import cutover.activities.AbandonedRun;
import io.temporal.failure.ActivityFailure;

public class RunAbandonWorkflowImpl implements RunAbandonWorkflow {
  @Override
  public AbandonedRun abandon(AbandonRun request) {
    try {
      return ActivityStubs.ledger().abandonRun(request);
    } catch (ActivityFailure refused) {
      throw Failures.fatal(Failures.describe(refused), "AbandonRefused");
    }
  }
}
