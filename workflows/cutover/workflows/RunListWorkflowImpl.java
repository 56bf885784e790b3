package cutover.workflows;

import cutover.activities.ListRuns;
import cutover.activities.RunSummary;
import java.util.List;

public class RunListWorkflowImpl implements RunListWorkflow {
  @Override
  public List<RunSummary> list(ListRuns request) {
    ActivityStubs activities = request == null || CutoverPhaseWorkflowImpl.blank(request.target()) ? ActivityStubs.anyTarget()
        : ActivityStubs.forTarget(request.target());
    return activities.ledger().listRuns(request);
  }
}
