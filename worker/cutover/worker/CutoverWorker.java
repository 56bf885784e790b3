package cutover.worker;

import cutover.activities.LedgerActivitiesImpl;
import cutover.activities.PlanActivitiesImpl;
import cutover.activities.RehearsalActivitiesImpl;
import cutover.activities.ReportActivitiesImpl;
import cutover.activities.explain.ExplainActivitiesImpl;
import cutover.activities.SqlRunner;
import cutover.activities.waves.WaveActivitiesImpl;
import cutover.activities.StepActivitiesImpl;
import cutover.activities.Targets;
import cutover.activities.steps.approval.ApprovalActivitiesImpl;
import cutover.activities.steps.approval.ApprovalSigners;
import cutover.workflows.TargetTaskQueue;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker for the given targets: every workflow of cutover on the shared task queue
 * {@code cutover}, and each target's activities on that target's own queue
 * ({@link TargetTaskQueue}), which only workers having the target poll. The shared queue serves
 * the activities too, for runs started before target queues and for reads that name no target.
 */
public final class CutoverWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CutoverWorker.class);
  /** How long a stopping worker waits for its server to answer before it stops without telling it. */
  private static final long SERVER_ANSWER_SECONDS = 2;
  private final WorkerFactory factory;

  private CutoverWorker(WorkerFactory factory) {
    this.factory = factory;
  }

  /** The longest a heartbeat waits before the SDK sends it to the server. */
  static final Duration HEARTBEAT_THROTTLE = Duration.ofSeconds(1);

  public static CutoverWorker start(WorkflowClient client, Targets targets) {
    return start(client, targets, false);
  }

  /**
   * @param allowCommands run {@code command} steps (`--allow-commands`); refused otherwise
   * @throws IllegalArgumentException when a target's name is not one a plan can name
   */
  public static CutoverWorker start(WorkflowClient client, Targets targets, boolean allowCommands) {
    return start(client, targets, allowCommands, ApprovalSigners.NONE);
  }

  /** @param signers the allowed signers that approvals' signatures are checked against, and whether they are required */
  public static CutoverWorker start(WorkflowClient client, Targets targets, boolean allowCommands,
      ApprovalSigners signers) {
    WorkerFactory factory = WorkerFactory.newInstance(client,
        WorkerFactoryOptions.newBuilder().setWorkerInterceptors(new StepLogContext()).build());
    // heartbeats reach the server at most this long after they are made (the SDK's default is 0.8 x
    // the heartbeat timeout, 8 s): so status shows a backfill's first progress within a second or two
    WorkerOptions.Builder options = WorkerOptions.newBuilder().setMaxHeartbeatThrottleInterval(HEARTBEAT_THROTTLE);
    if (!TemporalConnection.hasVisibility(client.getWorkflowServiceStubs(), client.getOptions().getNamespace())) {
      // Java's test server (known by its lack of visibility) never moves a workflow's next task
      // off a dead worker's sticky queue; a real server does after the sticky timeout.
      options.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
    }
    List<String> targetQueues = targets.names().stream().map(TargetTaskQueue::of).toList();
    Object[] activities = {new StepActivitiesImpl(new SqlRunner(targets), allowCommands), new LedgerActivitiesImpl(targets),
        new PlanActivitiesImpl(targets), new ReportActivitiesImpl(targets), new ApprovalActivitiesImpl(signers),
        new ExplainActivitiesImpl(targets), new RehearsalActivitiesImpl(targets),
        new WaveActivitiesImpl(new SqlRunner(targets))};
    Worker worker = factory.newWorker(WorkflowRegistration.TASK_QUEUE, options.build());
    WorkflowRegistration.register(worker);
    worker.registerActivitiesImplementations(activities);
    for (String queue : targetQueues) {
      factory.newWorker(queue, options.build()).registerActivitiesImplementations(activities);
    }
    factory.start();
    return new CutoverWorker(factory);
  }

  /**
   * Stops polling and waits for running tasks. With its server gone, the SDK's call that tells the
   * server of the stop fails with a stack trace ({@link UnreachableServer} drops it);
   * one line says so instead.
   */
  @Override
  public void close() {
    boolean answered = serverAnswers(factory.getWorkflowClient().getWorkflowServiceStubs());
    factory.shutdown();
    factory.awaitTermination(10, TimeUnit.SECONDS);
    if (!answered) {
      log.warn("the Temporal server did not answer, so it was not told that this worker stopped: its tasks"
          + " running here go to other workers when their timeouts pass");
    }
  }

  private static boolean serverAnswers(WorkflowServiceStubs service) {
    try {
      service.blockingStub().withDeadlineAfter(SERVER_ANSWER_SECONDS, TimeUnit.SECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      return true;
    } catch (StatusRuntimeException unavailable) {
      return false;
    }
  }
}
