package cutover.workflows;

import cutover.activities.RunRef;
import cutover.activities.RunReport;

public class RunReportWorkflowImpl implements RunReportWorkflow {
  @Override
  public RunReport report(RunRef run) {
    ActivityStubs activities = run == null || CutoverPhaseWorkflowImpl.blank(run.target()) ? ActivityStubs.anyTarget()
        : ActivityStubs.forTarget(run.target());
    return activities.reports().runReport(run);
  }
}
