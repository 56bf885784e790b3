package cutover.starter;

import cutover.activities.RehearsalRequest;
import cutover.activities.steps.wait.PlanInstant;
import cutover.worker.TemporalConnection;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.CutoverRequest;
import cutover.workflows.CutoverWorkflow;
import cutover.workflows.TargetTaskQueue;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.api.taskqueue.v1.PollerInfo;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

// no mixinStandardHelpOptions: its -V/--version would clash with the plan's --version, and picocli then drops --help
@Command(name = "start", description = "Start a cutover of a pushed plan. The run id is the workflow id.")
final class StartCommand implements Callable<Integer> {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  private static final Duration POLLER_SEEN_WITHIN = Duration.ofMinutes(2);
  private static final Duration POLLER_WAIT = Duration.ofSeconds(5);

  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;

  @Parameters(paramLabel = "PLAN", description = "the name of a pushed plan")
  String plan;

  @Option(names = "--target", required = true, description = "the target to cut over (a name configured on the worker)")
  String target;

  @Option(names = "--version", description = "a plan hash or prefix (default: the latest pushed)")
  String version;

  @Option(names = "--resume", paramLabel = "RUN",
      description = "continue run RUN after Temporal lost it: completed steps are not applied again, decisions stand")
  String resume;

  @Option(names = "--id", description = "workflow id, i.e. run id (default: PLAN-yyyyMMdd-HHmmss)")
  String id;

  @Option(names = "--as", description = "who starts it (default: the OS user)")
  String as;

  @Mixin RehearseOptions rehearsal;

  @Option(names = "--allow-fixes", description = "let check steps run their fix: SQL (safe corrections), then check again")
  boolean allowFixes;

  @Option(names = "--instant", paramLabel = "T",
      description = "the run's instant T, with its offset (2027-01-15T09:00:00Z), that the plan's until: T-7d and "
          + "until: T+90d count from (default: T is the run's start; a plan with T-... needs one)")
  String instant;

  @Override
  public Integer call() throws InterruptedException, java.io.IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String workflowId = resume != null ? resume
        : id != null ? id : plan + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    if (instant != null) {
      try {
        instant = PlanInstant.parse(instant).toString();
      } catch (IllegalArgumentException unreadable) {
        err.println("cutover start: --instant: " + unreadable.getMessage() + "; nothing was started");
        return CutoverCli.BAD_INPUT;
      }
    }
    try (TemporalConnection connection = temporal.connect()) {
      String noWorkflowWorker = noWorkflowPoller(connection);
      if (noWorkflowWorker != null) {
        err.println("cutover start: " + noWorkflowWorker + "; start one with `cutover worker` (or `cutover dev`), then "
            + "start again: nothing was started");
        return CutoverCli.FAILED;
      }
      String noWorker;
      try {
        noWorker = noWorkerServes(connection, target);
      } catch (IllegalArgumentException badName) {
        err.println(badName.getMessage());
        return CutoverCli.BAD_INPUT;
      }
      if (noWorker != null) {
        err.println(noWorker);
        return CutoverCli.FAILED;
      }
      if (rehearsal.rehearse) {
        return Rehearse.run(connection, new RehearsalRequest(plan, version, target, rehearsal.phase, Operators.who(as)),
            rehearsal.output, out, err);
      }
      if (resume != null && isRunning(connection, resume)) {
        err.println("run " + resume + " is still running in Temporal: nothing to resume; see `cutover status " + resume + "`");
        return CutoverCli.FAILED;
      }
      CutoverWorkflow cutover = connection.client().newWorkflowStub(CutoverWorkflow.class, WorkflowOptions.newBuilder()
          .setTaskQueue(WorkflowRegistration.TASK_QUEUE)
          .setWorkflowId(workflowId)
          .build());
      WorkflowClient.start(cutover::run, new CutoverRequest(plan, target, version, resume, Operators.who(as), allowFixes,
          instant));
      if (!WorkerCalls.tookFirstTask(connection, workflowId)) {
        // nothing ran: the workflow has not had a single task, so ending it leaves nothing behind
        WorkflowStub.fromTyped(cutover).terminate("no worker took its first task within " + WorkerCalls.FIRST_TASK_WAIT.toSeconds() + " s");
        err.printf("cutover start: no worker took run %s within %d s: is a worker polling task queue %s on %s? "
            + "Start one with `cutover worker` (or `cutover dev`), then start again: nothing was started%n",
            workflowId, WorkerCalls.FIRST_TASK_WAIT.toSeconds(), WorkflowRegistration.TASK_QUEUE, temporal.address);
        return CutoverCli.FAILED;
      }
      // A refused start (busy target, unknown plan) fails the run within moments: report it here.
      for (int i = 0; i < 30; i++) {
        WorkflowExecutionStatus status = WorkflowEnding.status(connection, workflowId);
        if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED) {
          try {
            WorkflowStub.fromTyped(cutover).getResult(Object.class);
          } catch (RuntimeException failure) {
            err.println("cutover refused: " + Failures.message(failure));
            if (refusedForLint(failure)) {
              return CutoverCli.BAD_INPUT;
            }
          }
          return CutoverCli.FAILED;
        }
        if (status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING || startedRun(cutover)) {
          break;
        }
        Thread.sleep(200);
      }
      out.printf("%s run %s of plan %s on target %s%n", resume != null ? "resumed" : "started", workflowId, plan, target);
      out.printf("follow it:  cutover status %s --watch%s%n", workflowId, temporal.hintFlags());
      return CutoverCli.OK;
    }
  }

  /**
   * Why no worker would run the target's steps (nothing polls its activity queue), or null when a
   * worker does, or when the server cannot say (Java's test server has no DescribeTaskQueue).
   *
   * @throws IllegalArgumentException when the name is not a target's
   */
  static String noWorkerServes(TemporalConnection connection, String target) {
    String queue = TargetTaskQueue.of(target);
    try {
      boolean polled = connection.service().blockingStub().withDeadlineAfter(10, TimeUnit.SECONDS)
          .describeTaskQueue(DescribeTaskQueueRequest.newBuilder()
              .setNamespace(connection.client().getOptions().getNamespace())
              .setTaskQueue(TaskQueue.newBuilder().setName(queue))
              .setTaskQueueType(TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)
              .build())
          .getPollersCount() > 0;
      return polled ? null : "no worker serves target '" + target + "': nothing polls its task queue " + queue
          + ", so its steps would wait there; start `cutover worker` with target " + target + " configured ("
          + (target.contains(".") ? "" : "CUTOVER_TARGET_" + target.toUpperCase(Locale.ROOT).replace('-', '_') + "_URL, or ")
          + target + ".url in its --targets-file), then start again";
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return null;
      }
      throw e;
    }
  }

  private static boolean startedRun(CutoverWorkflow cutover) {
    try {
      return cutover.status().startedBy() != null;
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  /**
   * Why no worker would take the run, or null. A worker polls the workflow task queue at least once a
   * minute, so an older poller is gone; one just started may take a moment to show, so this looks
   * for {@link #POLLER_WAIT}. A server that cannot say (Java's test server) passes here and the wait
   * for the first task decides.
   */
  static String noWorkflowPoller(TemporalConnection connection) throws InterruptedException {
    long deadline = System.nanoTime() + POLLER_WAIT.toNanos();
    while (true) {
      List<PollerInfo> pollers;
      try {
        pollers = connection.service().blockingStub().withDeadlineAfter(10, TimeUnit.SECONDS)
            .describeTaskQueue(DescribeTaskQueueRequest.newBuilder()
                .setNamespace(connection.client().getOptions().getNamespace())
                .setTaskQueue(TaskQueue.newBuilder().setName(WorkflowRegistration.TASK_QUEUE))
                .setTaskQueueType(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)
                .build())
            .getPollersList();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
          return null;
        }
        throw e;
      }
      long recent = Instant.now().minus(POLLER_SEEN_WITHIN).getEpochSecond();
      if (pollers.stream().anyMatch(p -> p.getLastAccessTime().getSeconds() >= recent)) {
        return null;
      }
      if (System.nanoTime() > deadline) {
        return "no worker is polling task queue " + WorkflowRegistration.TASK_QUEUE + " (none seen in the last "
            + POLLER_SEEN_WITHIN.toMinutes() + " minutes)";
      }
      Thread.sleep(500);
    }
  }

  static boolean isRunning(TemporalConnection connection, String workflowId) {
    return WorkflowEnding.status(connection, workflowId) == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  /**
   * The worker refused the plan for its lint errors, or for want of the instant T it counts back
   * from: bad input, like a plan that does not validate.
   */
  static boolean refusedForLint(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof io.temporal.failure.ApplicationFailure application
          && (cutover.activities.PlanActivities.LINT_ERRORS.equals(application.getType())
              || PlanInstant.MISSING.equals(application.getType()))) {
        return true;
      }
    }
    return false;
  }
}
