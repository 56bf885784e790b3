package cutover.starter;

import cutover.activities.Rehearsal;
import cutover.activities.RehearsalRequest;
import cutover.worker.CutoverDataConverter;
import cutover.worker.TemporalConnection;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.RehearsalWorkflow;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * {@code cutover start PLAN --target T --rehearse}: asks the target's worker to rehearse the plan
 * ({@link RehearsalWorkflow}) and prints what each statement took and locked, as a table or JSON.
 * Exit code 0 when every rehearsed statement ran, 1 when one failed or the rehearsal could not run.
 */
final class Rehearse {
  private Rehearse() {}

  static int run(TemporalConnection connection, RehearsalRequest request, RehearseOptions.Output output, PrintWriter out,
      PrintWriter err) throws java.io.IOException {
    RehearsalWorkflow workflow = connection.client().newWorkflowStub(RehearsalWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(WorkflowRegistration.TASK_QUEUE)
        .setWorkflowId("rehearse-" + request.plan() + "-" + UUID.randomUUID())
        .build());
    Rehearsal rehearsal;
    try {
      rehearsal = workflow.rehearse(request);
    } catch (WorkflowFailedException failed) {
      err.println("cutover rehearsal: " + Failures.message(failed));
      return CutoverCli.FAILED;
    }
    if (output == RehearseOptions.Output.json) {
      out.println(CutoverDataConverter.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(rehearsal));
    } else {
      table(rehearsal, out);
    }
    out.flush();
    return rehearsal.failed() ? CutoverCli.FAILED : CutoverCli.OK;
  }

  static void table(Rehearsal r, PrintWriter out) {
    out.printf(Locale.ROOT, "rehearsal of plan %s (%s) on target %s · phases %s · %d ms · rolled back: nothing was "
        + "committed, no run started%n", r.plan(), r.planHash() == null ? "?" : r.planHash().substring(0,
        Math.min(12, r.planHash().length())), r.target(), String.join(", ", r.phases()), r.millis());
    out.printf("%-10s %-24s %10s %7s  %-48s %s%n", "phase", "step", "time", "rows", "statement", "locks taken");
    for (Rehearsal.StepRehearsal step : r.steps()) {
      for (Rehearsal.StatementRehearsal s : step.statements()) {
        String locks = s.error() != null ? "FAILED: " + s.error()
            : s.locks().isEmpty() ? "-" : s.locks().stream().map(Rehearsal.HeldLock::describe)
                .collect(Collectors.joining(", "));
        out.printf(Locale.ROOT, "%-10s %-24s %7.2f ms %7s  %-48s %s%n", step.phase(), step.stepId(), s.millis(),
            s.rows() == null ? "" : String.format(Locale.ROOT, "%,d", s.rows()), oneLine(s.sql(), 48), locks);
      }
    }
    List<Rehearsal.StepRehearsal> not = r.steps().stream().filter(s -> s.reason() != null).toList();
    if (!not.isEmpty()) {
      out.println("not rehearsed:");
      not.forEach(s -> out.printf("  %s (%s, phase %s): %s%n", s.stepId(), s.kind(), s.phase(), s.reason()));
    }
  }

  private static String oneLine(String sql, int width) {
    String line = sql.replaceAll("\\s+", " ").strip();
    return line.length() <= width ? line : line.substring(0, width - 1) + "…";
  }
}
