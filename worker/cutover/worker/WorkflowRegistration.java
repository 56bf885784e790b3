package cutover.worker;

import cutover.workflows.CutoverPhaseWorkflowImpl;
import cutover.workflows.CutoverSearchAttributes;
import cutover.workflows.CutoverWorkflowImpl;
import cutover.workflows.PlanExplainWorkflowImpl;
import cutover.workflows.PlanPushWorkflowImpl;
import cutover.workflows.RehearsalWorkflowImpl;
import cutover.workflows.RunAbandonWorkflowImpl;
import cutover.workflows.RunListWorkflowImpl;
import cutover.workflows.RunReportWorkflowImpl;
import cutover.workflows.WaveKeyWorkflowImpl;
import cutover.workflows.WaveWorkflowImpl;
import cutover.workflows.SoakWorkflowImpl;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.converter.DataConverterException;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkflowImplementationOptions;
import java.util.List;

/** Which workflows a cutover worker runs, and how: shared by the worker and the tests. */
public final class WorkflowRegistration {
  public static final String TASK_QUEUE = "cutover";

  /** Workflow implementations of cutover. */
  public static final List<Class<?>> TYPES =
      List.of(CutoverWorkflowImpl.class, CutoverPhaseWorkflowImpl.class, PlanPushWorkflowImpl.class, RunListWorkflowImpl.class,
          RunReportWorkflowImpl.class, RunAbandonWorkflowImpl.class, PlanExplainWorkflowImpl.class,
          RehearsalWorkflowImpl.class, WaveWorkflowImpl.class, WaveKeyWorkflowImpl.class, SoakWorkflowImpl.class);

  /** An input that cannot be decoded fails the run readably instead of retrying its task forever. */
  public static final WorkflowImplementationOptions OPTIONS = WorkflowImplementationOptions.newBuilder()
      .setFailWorkflowExceptionTypes(DataConverterException.class)
      .build();

  private WorkflowRegistration() {}

  public static void register(Worker worker) {
    worker.registerWorkflowImplementationTypes(OPTIONS, TYPES.toArray(Class<?>[]::new));
  }

  public static List<String> searchAttributeNames() {
    return CutoverSearchAttributes.ALL.stream().map(SearchAttributeKey::getName).toList();
  }
}
