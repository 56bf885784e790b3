package cutover.starter;

import cutover.activities.AbandonRun;
import cutover.activities.AbandonedRun;
import cutover.worker.TemporalConnection;
import cutover.workflows.RunAbandonWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.PendingChildExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowFailedException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Ends a run that cannot go on. The ledger is written first, in a transaction that waits for any
 * step transaction of the run and after which the ledger refuses the run's steps (apply and
 * compensate); only then are its workflows terminated. So whatever the workflows were doing, each
 * step is either recorded with its effect or not done at all, and a wedged or lost workflow, which
 * could not honour a signal, is ended all the same.
 */
@Command(name = "abandon", mixinStandardHelpOptions = true,
    description = {"End a run that cannot go on (stuck after a failed compensation, say).",
        "Recorded in the ledger with who and why, the run marked abandoned and its target freed, then its Temporal "
            + "workflows terminated. Nothing is undone: the command lists what the run applied and did not undo. "
            + "Works when Temporal has lost the run (the ledger only); refused for a run that has ended."})
final class AbandonCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;

  @Parameters(paramLabel = "RUN", description = "the run id")
  String run;

  @Option(names = "--reason", required = true, description = "why the run cannot go on (recorded in the ledger)")
  String reason;

  @Option(names = "--as", description = "who abandons it (default: the OS user)")
  String as;

  @Option(names = "--target", description = "the run's target (default: look in every target of the worker)")
  String target;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (reason.isBlank()) {
      err.println("cutover abandon: --reason must say why the run cannot go on");
      return CutoverCli.BAD_INPUT;
    }
    String who = Operators.who(as);
    try (TemporalConnection connection = temporal.connect()) {
      AbandonedRun abandoned;
      try {
        abandoned = WorkerCalls.call(connection, RunAbandonWorkflow.TYPE,
            new AbandonRun(target, run, who, reason.trim(), UUID.randomUUID().toString()), AbandonedRun.class);
      } catch (WorkflowFailedException refused) {
        err.println("cutover abandon refused: " + Failures.message(refused));
        return CutoverCli.FAILED;
      }
      out.printf("run %s abandoned by %s: %s%n", abandoned.runId(), who, reason.trim());
      out.printf("  ledger of target %s: abandoned (was %s), with who and why; the target is free for new runs%n",
          abandoned.target(), abandoned.stateBefore());
      out.println("  Temporal: " + endWorkflows(connection, abandoned.workflowId(), "abandoned by " + who + ": " + reason));
      if (abandoned.appliedNotUndone().isEmpty()) {
        out.println("  applied and not undone: nothing (no step applied, or every applied step undone)");
      } else {
        out.println("  applied and not undone (the target keeps these as they are):");
        abandoned.appliedNotUndone().forEach(step -> out.println("    " + step));
      }
      if (abandoned.cleanedUp() != null) {
        abandoned.cleanedUp().forEach(line -> out.println("  " + line));
      }
      return CutoverCli.OK;
    }
  }

  /** Terminates the run's workflow and its running phases. @return what was done, in words */
  private static String endWorkflows(TemporalConnection connection, String workflowId, String why) {
    WorkflowExecutionStatus status = WorkflowEnding.status(connection, workflowId);
    if (status == null) {
      return "no workflow " + workflowId + " (Temporal has lost it): nothing to end there";
    }
    if (status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return "workflow " + workflowId + " had already ended (" + WorkflowEnding.word(status) + ")";
    }
    List<String> phases = new ArrayList<>();
    try {
      for (PendingChildExecutionInfo child : connection.service().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder()
              .setNamespace(connection.client().getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
              .build()).getPendingChildrenList()) {
        phases.add(child.getWorkflowId());
      }
      connection.client().newUntypedWorkflowStub(workflowId).terminate(why);
      for (String phase : phases) {
        if (WorkflowEnding.status(connection, phase) == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
          connection.client().newUntypedWorkflowStub(phase).terminate(why);
        }
      }
    } catch (RuntimeException e) {
      return "workflow " + workflowId + " could not be terminated (" + Failures.message(e) + "); the ledger refuses "
          + "its steps, so it changes nothing more: end it with `temporal workflow terminate --workflow-id "
          + workflowId + "`";
    }
    return "workflow " + workflowId + " terminated" + (phases.isEmpty() ? "" : ", with its phase " + String.join(", ", phases));
  }
}
