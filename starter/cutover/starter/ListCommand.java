package cutover.starter;

import cutover.activities.ListRuns;
import cutover.activities.RunSummary;
import cutover.worker.CutoverDataConverter;
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
    description = {"List runs, newest first.",
        "From Temporal's visibility when the server has it (a real server), else from the ledger, read by the "
            + "worker (Java's test server). The first line says which."})
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

  @Mixin OutputOptions output;

  /**
   * One run in {@code --output json}, the same fields from either source; what a source does not
   * have is null: the ledger has no workflow status, visibility has no step counts.
   */
  record Listed(String run, String target, String plan, String state, String workflow, String startedBy,
      String startedAt, String endedAt, Integer stepsApplied, Integer stepsUndone) {}

  /** The whole of {@code --output json}: where the runs came from and the runs, newest first. */
  record Listing(String source, String query, List<Listed> runs) {}

  @Override
  public Integer call() throws java.io.IOException {
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalConnection connection = temporal.connect()) {
      boolean visibility = source == Source.temporal || (source == Source.auto && connection.hasVisibility());
      if (output.json()) {
        Listing listing = visibility ? visibilityListing(connection) : ledgerListing(connection);
        out.println(CutoverDataConverter.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(listing));
        out.flush();
        return CutoverCli.OK;
      }
      if (visibility) {
        return fromVisibility(connection, out);
      }
      out.println("source: the ledger, read by the worker" + (source == Source.auto
          ? " (this Temporal server has no visibility queries: Java's test server)" : ""));
      List<RunSummary> runs = ledgerRuns(connection);
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

  private List<RunSummary> ledgerRuns(TemporalConnection connection) {
    RunListWorkflow list = connection.client().newWorkflowStub(RunListWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(WorkflowRegistration.TASK_QUEUE)
        .setWorkflowId("cutover-list-" + UUID.randomUUID())
        .build());
    return list.list(new ListRuns(target, limit));
  }

  private Listing ledgerListing(TemporalConnection connection) {
    return new Listing(Source.ledger.name(), null, ledgerRuns(connection).stream()
        .map(r -> new Listed(r.runId(), r.target(), r.planName(), r.state(), null, r.startedBy(), r.startedAt(),
            r.endedAt(), r.stepsApplied(), r.stepsCompensated()))
        .toList());
  }

  private Listing visibilityListing(TemporalConnection connection) {
    String query = VisibilityRuns.query(target, false);
    return new Listing(Source.temporal.name(), query, VisibilityRuns.list(connection, query, limit).stream()
        .map(r -> new Listed(r.runId(), r.target(), r.plan(), r.state(), r.status(), null,
            r.started() == null ? null : r.started().toString(), r.closed() == null ? null : r.closed().toString(), null,
            null))
        .toList());
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
