package cutover.worker;

import cutover.activities.LedgerActivitiesImpl;
import cutover.activities.PlanActivitiesImpl;
import cutover.activities.ReportActivitiesImpl;
import cutover.activities.SqlRunner;
import cutover.activities.StepActivitiesImpl;
import cutover.activities.Targets;
import cutover.activities.steps.approval.ApprovalActivitiesImpl;
import cutover.activities.steps.approval.ApprovalSigners;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;

/** A worker on task queue {@code cutover}: every workflow of cutover and the activities for the given targets. */
public final class CutoverWorker implements AutoCloseable {
  private final WorkerFactory factory;

  private CutoverWorker(WorkerFactory factory) {
    this.factory = factory;
  }

  public static CutoverWorker start(WorkflowClient client, Targets targets) {
    return start(client, targets, false);
  }

  /** @param allowCommands run {@code command} steps (`--allow-commands`); refused otherwise */
  public static CutoverWorker start(WorkflowClient client, Targets targets, boolean allowCommands) {
    return start(client, targets, allowCommands, ApprovalSigners.NONE);
  }

  /** @param signers the allowed signers that approvals' signatures are checked against, and whether they are required */
  public static CutoverWorker start(WorkflowClient client, Targets targets, boolean allowCommands,
      ApprovalSigners signers) {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    WorkerOptions.Builder options = WorkerOptions.newBuilder();
    if (!TemporalConnection.hasVisibility(client.getWorkflowServiceStubs(), client.getOptions().getNamespace())) {
      // Java's test server (known by its lack of visibility) never moves a workflow's next task
      // off a dead worker's sticky queue; a real server does after the sticky timeout.
      options.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
    }
    Worker worker = factory.newWorker(WorkflowRegistration.TASK_QUEUE, options.build());
    WorkflowRegistration.register(worker);
    worker.registerActivitiesImplementations(
        new StepActivitiesImpl(new SqlRunner(targets), allowCommands), new LedgerActivitiesImpl(targets),
        new PlanActivitiesImpl(targets), new ReportActivitiesImpl(targets), new ApprovalActivitiesImpl(signers));
    factory.start();
    return new CutoverWorker(factory);
  }

  @Override
  public void close() {
    factory.shutdown();
    factory.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
  }
}
