package cutover.workflows;

import cutover.activities.ListRuns;
import cutover.activities.RunSummary;
import java.util.List;

public class RunListWorkflowImpl implements RunListWorkflow {
  @Override
  public List<RunSummary> list(ListRuns request) {
    return ActivityStubs.ledger().listRuns(request);
  }
}
