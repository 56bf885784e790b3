package cutover.workflows;

import cutover.activities.LedgerActivities;
import cutover.activities.PlanActivities;
import cutover.activities.ReportActivities;
import cutover.activities.StepActivities;
import cutover.activities.steps.approval.ApprovalActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Activity stubs with the timeouts and retries the workflows rely on. */
final class ActivityStubs {

  private ActivityStubs() {}

  /**
   * Steps heartbeat while they run, so a dead worker is noticed after the heartbeat timeout
   * and the step retries elsewhere; the ledger makes the retry safe. Errors in the step's own
   * SQL are not retryable: the phase pauses for an operator instead.
   */
  static StepActivities steps() {
    return heartbeating(Duration.ofHours(12), 5);
  }

  /**
   * The parts of a batched step (a backfill): each heartbeats its progress; a part whose worker
   * died is retried after the heartbeat timeout and goes on after its last committed batch, so
   * retries are cheap and plenty are allowed. Errors in the step's own SQL are not retryable.
   */
  static StepActivities parts() {
    return heartbeating(Duration.ofHours(24), 20);
  }

  /**
   * Step activities heartbeat while they run: a dead worker is noticed after 10 s, not at the
   * timeout. The backoff between attempts stays at most 2 s, so after many lost workers a healthy
   * one still takes the work up within the heartbeat timeout and a few seconds.
   */
  private static StepActivities heartbeating(Duration startToClose, int maximumAttempts) {
    return Workflow.newActivityStub(
        StepActivities.class,
        ActivityOptions.newBuilder()
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
  static LedgerActivities ledger() {
    return Workflow.newActivityStub(
        LedgerActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofSeconds(1))
                    .setMaximumInterval(Duration.ofMinutes(1))
                    .build())
            .build());
  }

  /** A report is a read: a few tries, then the CLI says why. */
  static ReportActivities reports() {
    return Workflow.newActivityStub(
        ReportActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
            .build());
  }

  /** The worker's approval rules and signature checks: quick, retried until a worker answers. */
  static ApprovalActivities approvals() {
    return Workflow.newActivityStub(
        ApprovalActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofSeconds(1))
                    .setMaximumInterval(Duration.ofSeconds(10))
                    .build())
            .build());
  }

  static PlanActivities plans() {
    return Workflow.newActivityStub(
        PlanActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(5).build())
            .build());
  }
}
