package cutover.workflows;

import cutover.activities.ListRuns;
import cutover.activities.RunSummary;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/** Reads the runs from the ledger through the worker (the test server cannot list workflows). */
@WorkflowInterface
public interface RunListWorkflow {
  String TYPE = "RunList";

  @WorkflowMethod(name = TYPE)
  List<RunSummary> list(ListRuns request);
}
