package cutover.workflows;

import cutover.activities.RunRef;
import cutover.activities.RunReport;

public class RunReportWorkflowImpl implements RunReportWorkflow {
  @Override
  public RunReport report(RunRef run) {
    return ActivityStubs.reports().runReport(run);
  }
}
