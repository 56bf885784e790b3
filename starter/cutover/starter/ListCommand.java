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
    description = {"List runs, newest first: from Temporal's visibility when the server has it (a real server),",
        "else from the ledger, read by the worker (Java's test server). The first line says which."})
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;

  @Option(names = "--target", description = "only this target (default: every target the worker has)")
  String target;

  @Option(names = "--limit", defaultValue = "20", description = "how many runs per target (default: ${DEFAULT-VALUE})")
  int limit;

  enum Source { auto, temporal, ledger }

  @Option(names = "--source", defaultValue = "auto",
      description = "auto (visibility if the server has it), temporal or ledger (default: ${DEFAULT-VALUE})")
  Source source;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalConnection connection = temporal.connect()) {
      boolean visibility = source == Source.temporal || (source == Source.auto && connection.hasVisibility());
      if (visibility) {
        return fromVisibility(connection, out);
      }
      out.println("source: the ledger, read by the worker" + (source == Source.auto
          ? " (this Temporal server has no visibility queries: Java's test server)" : ""));
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

  private int fromVisibility(TemporalConnection connection, PrintWriter out) {
    String query = VisibilityRuns.query(target, false);
    out.println("source: Temporal visibility, query: " + query);
    List<VisibilityRuns.Run> runs = VisibilityRuns.list(connection, query, limit);
    if (runs.isEmpty()) {
      out.println("no runs");
      return CutoverCli.OK;
    }
    out.printf("%-40s %-10s %-24s %-18s %-11s %-20s %s%n", "RUN", "TARGET", "PLAN", "STATE", "WORKFLOW", "STARTED",
        "CLOSED");
    for (VisibilityRuns.Run run : runs) {
      out.printf("%-40s %-10s %-24s %-18s %-11s %-20s %s%n", run.runId(), text(run.target()), text(run.plan()),
          text(run.state()), run.status(), instant(run.started()), instant(run.closed()));
    }
    return CutoverCli.OK;
  }

  private static String text(String value) {
    return value == null ? "-" : value;
  }

  private static String instant(java.time.Instant at) {
    return at == null ? "" : at.toString().substring(0, Math.min(19, at.toString().length()));
  }
}
