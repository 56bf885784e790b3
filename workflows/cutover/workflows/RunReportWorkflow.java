package cutover.workflows;

import cutover.activities.RunRef;
import cutover.activities.RunReport;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Reads a run's report from the ledger through the worker: the CLI has no database credentials. */
@WorkflowInterface
public interface RunReportWorkflow {
  String TYPE = "RunReport";

  @WorkflowMethod(name = TYPE)
  RunReport report(RunRef run);
}
