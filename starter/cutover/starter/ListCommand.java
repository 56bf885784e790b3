package cutover.starter;

import cutover.activities.ListRuns;
import cutover.activities.RunSummary;
import cutover.worker.TemporalConnection;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.RunListWorkflow;
import io.temporal.client.WorkflowOptions;
import java.io.PrintWriter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List runs from the ledger (read by the worker), newest first.")
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;

  @Option(names = "--target", description = "only this target (default: every target the worker has)")
  String target;

  @Option(names = "--limit", defaultValue = "20", description = "how many runs per target (default: ${DEFAULT-VALUE})")
  int limit;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalConnection connection = temporal.connect()) {
      RunListWorkflow list = connection.client().newWorkflowStub(RunListWorkflow.class, WorkflowOptions.newBuilder()
          .setTaskQueue(WorkflowRegistration.TASK_QUEUE)
          .setWorkflowId("cutover-list-" + UUID.randomUUID())
          .build());
      List<RunSummary> runs = list.list(new ListRuns(target, limit));
      if (runs.isEmpty()) {
        out.println("no runs");
        return CutoverCli.OK;
      }
      out.printf("%-40s %-10s %-24s %-12s %-12s %-20s %s%n", "RUN", "TARGET", "PLAN", "STATE", "STARTED BY", "STARTED",
          "STEPS applied/undone");
      for (RunSummary run : runs) {
        out.printf("%-40s %-10s %-24s %-12s %-12s %-20s %d/%d%n", run.runId(), run.target(), run.planName(), run.state(),
            run.startedBy(), run.startedAt() == null ? "" : run.startedAt().substring(0, Math.min(19, run.startedAt().length())),
            run.stepsApplied(), run.stepsCompensated());
      }
      return CutoverCli.OK;
    }
  }
}
