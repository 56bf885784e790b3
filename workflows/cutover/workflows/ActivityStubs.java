package cutover.workflows;

import cutover.activities.LedgerActivities;
import cutover.activities.PlanActivities;
import cutover.activities.RehearsalActivities;
import cutover.activities.ReportActivities;
import cutover.activities.StepActivities;
import cutover.activities.explain.ExplainActivities;
import cutover.activities.steps.approval.ApprovalActivities;
import cutover.activities.waves.WaveActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * Activity stubs with the timeouts and retries the workflows rely on, on the task queue of the
 * target they touch ({@link TargetTaskQueue}), so only a worker that has the target runs them.
 */
final class ActivityStubs {
  /** Since version 1 of this change, a target's activities run on its own task queue. */
  static final String TARGET_QUEUES = "target-task-queues";
  /** How long a run's first work waits on its target's queue for a worker that has the target. */
  static final Duration NO_WORKER_WAIT = Duration.ofMinutes(1);

  /** The target's task queue; null for the workflow's own (histories from before target queues, target-less reads). */
  private final String taskQueue;

  private ActivityStubs(String taskQueue) {
    this.taskQueue = taskQueue;
  }

  /**
   * The stubs for a workflow's target, read once at the start of its run. Workflows started before
   * this version keep scheduling on their own queue, which every worker still serves.
   *
   * @throws io.temporal.failure.ApplicationFailure failing the run readably when the name is not a target's
   */
  static ActivityStubs forTarget(String target) {
    String queue;
    try {
      queue = TargetTaskQueue.of(target);
    } catch (IllegalArgumentException invalid) {
      throw Failures.fatal(invalid.getMessage(), "InvalidInput");
    }
    return new ActivityStubs(targetQueues() ? queue : null);
  }

  /** Whether this run schedules its targets' activities on their own queues (it started after that change). */
  static boolean targetQueues() {
    return Workflow.getVersion(TARGET_QUEUES, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /**
   * Stubs on the workflow's own queue, which every worker serves: for what needs no one target (a
   * list or report that names none reads the targets of whichever worker answers; reading a
   * plan's target needs no database).
   */
  static ActivityStubs anyTarget() {
    return new ActivityStubs(null);
  }

  private ActivityOptions.Builder on(ActivityOptions.Builder options) {
    return taskQueue == null ? options : options.setTaskQueue(taskQueue);
  }

  /**
   * Steps heartbeat while they run, so a dead worker is noticed after the heartbeat timeout
   * and the step retries elsewhere; the ledger makes the retry safe. Errors in the step's own
   * SQL are not retryable: the phase pauses for an operator instead.
   */
  StepActivities steps() {
    return heartbeating(Duration.ofHours(12), 5);
  }

  /**
   * The parts of a batched step (a backfill): each heartbeats its progress; a part whose worker
   * died is retried after the heartbeat timeout and goes on after its last committed batch, so
   * retries are cheap and plenty are allowed. Errors in the step's own SQL are not retryable.
   */
  StepActivities parts() {
    return heartbeating(Duration.ofHours(24), 20);
  }

  /**
   * Step activities heartbeat while they run: a dead worker is noticed after 10 s, not at the
   * timeout. The backoff between attempts stays at most 2 s, so after many lost workers a healthy
   * one still takes the work up within the heartbeat timeout and a few seconds.
   */
  private StepActivities heartbeating(Duration startToClose, int maximumAttempts) {
    return Workflow.newActivityStub(
        StepActivities.class,
        on(ActivityOptions.newBuilder())
            .setStartToCloseTimeout(startToClose)
            .setHeartbeatTimeout(Duration.ofSeconds(10))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofSeconds(1))
                    .setBackoffCoefficient(2)
                    .setMaximumInterval(Duration.ofSeconds(2))
                    .setMaximumAttempts(maximumAttempts)
                    .build())
            .build());
  }

  /** Ledger writes are idempotent; they retry until the database answers. */
  LedgerActivities ledger() {
    return Workflow.newActivityStub(
        LedgerActivities.class,
        on(ActivityOptions.newBuilder())
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofSeconds(1))
                    .setMaximumInterval(Duration.ofMinutes(1))
                    .build())
            .build());
  }

  /** A report is a read: a few tries, then the CLI says why. */
  ReportActivities reports() {
    return Workflow.newActivityStub(
        ReportActivities.class,
        on(ActivityOptions.newBuilder())
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
            .build());
  }

  /**
   * A plan's facts for {@code plan explain --target}: a read; when no worker has the target within
   * {@link #NO_WORKER_WAIT} it fails saying so, and a failing read is tried three times.
   */
  ExplainActivities explain() {
    return Workflow.newActivityStub(
        ExplainActivities.class,
        on(ActivityOptions.newBuilder())
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setScheduleToStartTimeout(NO_WORKER_WAIT)
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
            .build());
  }

  /**
   * A rehearsal: its statements run with their own timeouts, so the whole may take long; it is not
   * tried again by itself (the operator sees the failure and rehearses again).
   */
  RehearsalActivities rehearsals() {
    return Workflow.newActivityStub(
        RehearsalActivities.class,
        on(ActivityOptions.newBuilder())
            .setStartToCloseTimeout(Duration.ofHours(1))
            .setScheduleToStartTimeout(NO_WORKER_WAIT)
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  /**
   * A wave phase's key query: a read with its own statement timeout, tried three times; a target whose
   * workers are away is waited for, as the phase's plan load is.
   */
  WaveActivities waves() {
    return Workflow.newActivityStub(
        WaveActivities.class,
        on(ActivityOptions.newBuilder())
            .setStartToCloseTimeout(Duration.ofMinutes(2))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
            .build());
  }

  /** The worker's approval rules and signature checks: quick, retried until a worker answers. */
  ApprovalActivities approvals() {
    return Workflow.newActivityStub(
        ApprovalActivities.class,
        on(ActivityOptions.newBuilder())
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofSeconds(1))
                    .setMaximumInterval(Duration.ofSeconds(10))
                    .build())
            .build());
  }

  /**
   * Plans, for a phase of a run under way: a worker lost while loading is retried within a few
   * seconds, and a target whose workers are all away is waited for, however long.
   */
  PlanActivities plans() {
    return Workflow.newActivityStub(PlanActivities.class, planOptions().build());
  }

  /**
   * Plans, for a run's first work on its target's queue, before anything is begun: when no worker
   * takes it within {@link #NO_WORKER_WAIT}, no worker has the target and the run fails saying so;
   * a load that keeps failing ends after ten minutes.
   */
  PlanActivities plansBeforeStart() {
    ActivityOptions.Builder options = planOptions().setScheduleToCloseTimeout(Duration.ofMinutes(10));
    if (taskQueue != null) {
      options.setScheduleToStartTimeout(NO_WORKER_WAIT);
    }
    return Workflow.newActivityStub(PlanActivities.class, options.build());
  }

  private ActivityOptions.Builder planOptions() {
    return on(ActivityOptions.newBuilder())
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setMaximumInterval(Duration.ofSeconds(2))
            .build());
  }
}
