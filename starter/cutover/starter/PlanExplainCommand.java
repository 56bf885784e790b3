package cutover.starter;

import cutover.activities.explain.PlanExplainer;
import cutover.activities.explain.PlanExplanation;
import cutover.activities.explain.PlanExplanation.LockView;
import cutover.activities.explain.PlanExplanation.PhaseView;
import cutover.activities.explain.PlanExplanation.StatementView;
import cutover.activities.explain.PlanExplanation.StepView;
import cutover.activities.explain.TargetFacts;
import cutover.activities.steps.StepKinds;
import cutover.plan.InvalidPlanException;
import cutover.plan.Plan;
import cutover.plan.PlanFile;
import cutover.plan.PlanParser;
import cutover.worker.TemporalConnection;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.PlanExplainWorkflow;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cutover plan explain}: what each step will do and cost before anything runs. With
 * {@code --target} the target's worker reads its statistics and measured rates (the CLI has no
 * database credentials); without, what the plan alone tells.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Say per step what it will do: its statements' locks and what they block, the worst-case lock wait, "
        + "rows and time from the target's statistics and measured rates (--target), how it is undone, approvals, "
        + "and the calendar of waits and soaks (--start).")
final class PlanExplainCommand implements Callable<Integer> {
  /** Table output fits a terminal of this many columns. */
  static final int WIDTH = 118;
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;

  @Parameters(paramLabel = "FILE", description = "the plan (YAML or JSON)")
  Path file;

  @Option(names = "--target", description = "read table sizes, row estimates and measured rates from this target, "
      + "through its worker")
  String target;

  @Option(names = "--start", description = "the run's start (ISO-8601 instant, e.g. 2026-12-01T09:00:00Z), for the "
      + "calendar dates of waits and soaks")
  Instant start;

  @Option(names = "--output", converter = PlanLintCommand.Output.Converter.class, description = "table (default) or json")
  PlanLintCommand.Output output = PlanLintCommand.Output.TABLE;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Plan plan;
    try {
      plan = PlanParser.parse(PlanFile.read(file), file.toString(), null, StepKinds.ALL);
    } catch (InvalidPlanException invalid) {
      PlanCommand.printProblems(invalid, err);
      return CutoverCli.BAD_INPUT;
    }
    TargetFacts facts = null;
    if (target != null) {
      try (TemporalConnection connection = temporal.connect()) {
        facts = read(connection, PlanExplainer.request(plan, target));
      } catch (WorkflowFailedException failed) {
        err.println("cutover plan explain: " + Failures.message(failed));
        return CutoverCli.FAILED;
      }
    }
    PlanExplanation explanation = PlanExplainer.explain(plan, facts, start);
    if (output == PlanLintCommand.Output.JSON) {
      out.println(PlanLintCommand.JSON.copy().findAndRegisterModules()
          .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
          .writeValueAsString(explanation));
    } else {
      print(explanation, out);
    }
    out.flush();
    return CutoverCli.OK;
  }

  static TargetFacts read(TemporalConnection connection, cutover.activities.explain.TargetFactsRequest request) {
    PlanExplainWorkflow explain = connection.client().newWorkflowStub(PlanExplainWorkflow.class,
        WorkflowOptions.newBuilder()
            .setTaskQueue(WorkflowRegistration.TASK_QUEUE)
            .setWorkflowId("cutover-plan-explain-" + UUID.randomUUID())
            .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
            .build());
    return explain.targetFacts(request);
  }

  // ---------------------------------------------------------------- the table

  static void print(PlanExplanation explanation, PrintWriter out) {
    out.println(fit("plan " + explanation.plan() + (explanation.target() != null ? "   target " + explanation.target()
        : "   (plan alone)") + (explanation.start() != null ? "   start " + WHEN.format(explanation.start()) : "")));
    for (String note : explanation.notes()) {
      out.println(fit("note: " + note));
    }
    for (PhaseView phase : explanation.phases()) {
      out.println();
      out.println(fit("PHASE " + phase.name()));
      for (StepView step : phase.steps()) {
        step(step, out);
      }
    }
  }

  private static void step(StepView step, PrintWriter out) {
    out.println(fit("  " + step.id() + "  (" + step.kind() + ")" + (step.pointOfNoReturn() ? "  POINT OF NO RETURN" : "")));
    row(out, "does", step.does());
    if (step.statements() != null) {
      for (StatementView statement : step.statements()) {
        String what = statement.kind() == null ? "unparsed: " + statement.unparsed()
            : padded(statement.kind(), 13) + locks(statement.locks()) + "  blocks " + statement.blocks();
        row(out, "sql:" + statement.line(), what);
      }
    }
    if (step.lockWait() != null) {
      row(out, "lock wait", "≤ " + words(step.lockWait().lockTimeout()) + " per attempt, retried ≤ "
          + words(step.lockWait().lockRetryFor()) + " in all; statement timeout " + words(step.lockWait().statementTimeout()));
    }
    if (step.rows() != null) {
      row(out, "rows", String.format(Locale.ROOT, "%,d", step.rows().rows()) + " (" + step.rows().source() + ")");
    }
    if (step.time() != null) {
      row(out, "time", step.time());
    }
    row(out, "undo", step.undo().how() + ": " + step.undo().by());
    if (step.approval() != null) {
      PlanExplanation.ApprovalView approval = step.approval();
      row(out, "approval", approval.approvals() + " approval" + (approval.approvals() == 1 ? "" : "s") + " from "
          + (approval.approvers().isEmpty() ? "anyone" : String.join(", ", approval.approvers()))
          + (approval.signed() ? ", signed" : ", signature optional")
          + (approval.separateFromStarter() ? ", not only the starter" : ""));
    }
    if (step.gate() != null && !"people".equals(step.gate().waits())) {
      PlanExplanation.GateView gate = step.gate();
      row(out, "waits", switch (gate.waits()) {
        case "until" -> "until " + gate.until();
        case "soak" -> "soaks " + words(gate.length()) + ", checking every " + words(gate.every());
        default -> "for " + words(gate.length());
      });
    }
    if (step.earliestStart() != null) {
      row(out, "when", "earliest " + WHEN.format(step.earliestStart())
          + (step.earliestEnd() != null && !step.earliestEnd().equals(step.earliestStart())
              ? " → " + WHEN.format(step.earliestEnd()) : ""));
    }
  }

  private static String locks(List<LockView> locks) {
    return locks.isEmpty() ? "no table lock"
        : locks.stream().map(l -> l.table() + (l.created() ? " (new)" : "") + " " + l.level())
            .collect(Collectors.joining(", "));
  }

  private static void row(PrintWriter out, String label, String text) {
    out.println(fit("      " + padded(label, 10) + text));
  }

  private static String padded(String text, int width) {
    return text.length() >= width ? text + " " : text + " ".repeat(width - text.length());
  }

  private static String fit(String line) {
    return line.length() <= WIDTH ? line : line.substring(0, WIDTH - 1) + "…";
  }

  private static String words(Duration d) {
    if (d == null) {
      return "-";
    }
    long ms = d.toMillis();
    return ms < 1000 ? ms + "ms" : ms < 120_000 ? ms / 1000 + "s" : d.toMinutes() < 120 ? d.toMinutes() + "m"
        : d.toHours() < 48 ? d.toHours() + "h" : d.toDays() + "d";
  }
}
