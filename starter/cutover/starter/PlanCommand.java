package cutover.starter;

import cutover.activities.steps.StepKinds;
import cutover.activities.PlanPushRequest;
import cutover.activities.PlanPushResult;
import cutover.activities.Targets;
import cutover.plan.InvalidPlanException;
import cutover.plan.Plan;
import cutover.plan.PlanFile;
import cutover.plan.PlanProblem;
import cutover.plan.PlanParser;
import cutover.plan.schema.PlanSchema;
import cutover.worker.CutoverDataConverter;
import cutover.worker.DevEnvironment;
import cutover.worker.TargetConfig;
import cutover.worker.TemporalConnection;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.PlanPushWorkflow;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "plan", mixinStandardHelpOptions = true, description = "Check and register plans.",
    subcommands = {PlanCommand.Validate.class, PlanLintCommand.class, PlanExplainCommand.class, PlanCommand.Push.class,
        PlanCommand.Schema.class})
public final class PlanCommand {

  /** The plan file, parsed and validated; problems are printed and the exit code is 2. */
  static Plan parse(Path file, Set<String> knownTargets) throws IOException, InvalidPlanException {
    return PlanParser.parse(PlanFile.read(file), file.toString(), knownTargets, StepKinds.ALL);
  }

  static void printProblems(InvalidPlanException invalid, PrintWriter err) {
    for (PlanProblem problem : invalid.problems()) {
      err.println(problem.format());
    }
    err.println(invalid.problems().size() + " problem" + (invalid.problems().size() == 1 ? "" : "s") + "; nothing was started");
  }

  /** Targets this machine knows of: its configuration, plus the embedded default. */
  static Set<String> localTargets(Path targetsFile) throws IOException {
    Set<String> names = new LinkedHashSet<>();
    names.add(DevEnvironment.DEMO_TARGET);
    try (Targets targets = TargetConfig.load(targetsFile)) {
      names.addAll(targets.knownNames());
    }
    return names;
  }

  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = "Validate a plan file; exit 2 with file:line:column messages if it is invalid.")
  static final class Validate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "the plan (YAML or JSON)")
    Path file;

    @Option(names = "--targets", split = ",", description = "target names to accept (default: configured targets and demo)")
    List<String> targets;

    @Option(names = "--targets-file", description = "worker target configuration to read target names from")
    Path targetsFile;

    @Mixin OutputOptions output;

    /** A valid plan in {@code --output json}. */
    record Summary(String name, String target, int phases, long steps) {}

    /** {@code --output json}: the plan when valid, else every problem (line and column 1-based; the exit code is 2). */
    record Validation(String file, boolean valid, Summary plan, List<PlanProblem> problems) {}

    @Override
    public Integer call() throws IOException {
      Set<String> known = targets != null ? new LinkedHashSet<>(targets) : localTargets(targetsFile);
      try {
        Plan plan = parse(file, known);
        long steps = plan.phases().stream().mapToLong(p -> p.steps().size()).sum();
        if (output.json()) {
          printJson(new Validation(file.toString(), true, new Summary(plan.name(), plan.target(), plan.phases().size(),
              steps), List.of()));
          return CutoverCli.OK;
        }
        spec.commandLine().getOut().printf("%s: plan %s is valid: %d phases, %d steps, target %s%n", file, plan.name(),
            plan.phases().size(), steps, plan.target());
        return CutoverCli.OK;
      } catch (InvalidPlanException invalid) {
        if (output.json()) {
          printJson(new Validation(file.toString(), false, null, invalid.problems()));
        } else {
          printProblems(invalid, spec.commandLine().getErr());
        }
        return CutoverCli.BAD_INPUT;
      }
    }

    private void printJson(Validation validation) throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      out.println(CutoverDataConverter.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(validation));
      out.flush();
    }
  }

  @Command(name = "schema", mixinStandardHelpOptions = true,
      description = "Print the JSON Schema of plan files (draft-07), for editors; the repository keeps it as plan.schema.json.")
  static final class Schema implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.print(new PlanSchema(StepKinds.ALL.specTypes()).text());
      out.flush();
      return CutoverCli.OK;
    }
  }

  @Command(name = "push", mixinStandardHelpOptions = true,
      description = "Register a plan by name, versioned by content hash, in the target's ledger (through the worker).")
  public static final class Push implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;

    @Parameters(paramLabel = "FILE", description = "the plan (YAML or JSON)")
    Path file;

    @Option(names = "--target", description = "register it for this target (default: the plan's target)")
    String target;

    @Option(names = "--as", description = "who pushes (default: the OS user)")
    String as;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String yaml;
      Plan plan;
      try {
        yaml = PlanFile.read(file);
        plan = PlanParser.parse(yaml, file.toString(), null, StepKinds.ALL);
      } catch (InvalidPlanException invalid) {
        printProblems(invalid, err);
        return CutoverCli.BAD_INPUT;
      }
      if (!PlanLintCommand.passes(plan, yaml, file, err, "nothing was registered")) {
        return CutoverCli.BAD_INPUT;
      }
      try (TemporalConnection connection = temporal.connect()) {
        PlanPushResult result;
        try {
          result = push(connection, yaml, file.toString(), target, Operators.who(as));
        } catch (WorkflowFailedException failed) {
          err.println("cutover plan push: " + Failures.message(failed));
          return CutoverCli.FAILED;
        }
        if (!result.problems().isEmpty()) {
          result.problems().forEach(err::println);
          err.println("the worker refused the plan; nothing was registered");
          return CutoverCli.BAD_INPUT;
        }
        out.printf("%s plan %s version %s for target %s%n", result.created() ? "registered" : "already registered",
            result.name(), result.hash().substring(0, 12), result.target());
        out.printf("start it with: cutover start %s --target %s%s%n", result.name(), result.target(),
            temporal.hintFlags());
        return CutoverCli.OK;
      }
    }

    public static PlanPushResult push(TemporalConnection connection, String yaml, String fileName, String target, String who) {
      PlanPushWorkflow push = connection.client().newWorkflowStub(PlanPushWorkflow.class, WorkflowOptions.newBuilder()
          .setTaskQueue(WorkflowRegistration.TASK_QUEUE)
          .setWorkflowId("cutover-plan-push-" + UUID.randomUUID())
          .build());
      return push.push(new PlanPushRequest(yaml, fileName, target, who));
    }
  }
}
