package cutover.starter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import cutover.activities.lint.LintFinding;
import cutover.activities.lint.LintReport;
import cutover.activities.lint.PlanLint;
import cutover.activities.steps.StepKinds;
import cutover.plan.InvalidPlanException;
import cutover.plan.Plan;
import cutover.plan.PlanFile;
import cutover.plan.PlanParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "lint", mixinStandardHelpOptions = true,
    description = "Find dangerous DDL and unsafe plan shapes, each with its rule, position and safe rewrite; "
        + "exit 2 on errors no step acknowledges (lint: {allow: [rule], because: ...}).")
final class PlanLintCommand implements Callable<Integer> {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "the plan (YAML or JSON)")
  Path file;

  @Option(names = "--output", converter = Output.Converter.class, description = "table (default) or json")
  Output output = Output.TABLE;

  @Option(names = "--start", description = "the run's start (ISO-8601 instant): until: instants must lie after it (default: now)")
  Instant start;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    String yaml;
    Plan plan;
    try {
      yaml = PlanFile.read(file);
      plan = PlanParser.parse(yaml, file.toString(), null, StepKinds.ALL);
    } catch (InvalidPlanException invalid) {
      PlanCommand.printProblems(invalid, spec.commandLine().getErr());
      return CutoverCli.BAD_INPUT;
    }
    LintReport report = PlanLint.lint(plan, yaml, file.toString(), start != null ? start : Instant.now());
    if (output == Output.JSON) {
      out.println(JSON.writeValueAsString(json(report)));
    } else {
      report.findings().forEach(f -> out.println(f.format()));
      out.println(summary(report));
    }
    out.flush();
    return report.blocking().isEmpty() ? CutoverCli.OK : CutoverCli.BAD_INPUT;
  }

  /** How plan lint and plan explain print: a table for people, or JSON (documented in the README) for scripts. */
  enum Output {
    TABLE, JSON;

    static final class Converter implements ITypeConverter<Output> {
      @Override
      public Output convert(String value) {
        try {
          return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
          throw new TypeConversionException("'" + value + "' is not an output: give table or json");
        }
      }
    }
  }

  static String summary(LintReport report) {
    return report.file() + ": " + report.errors() + " error" + (report.errors() == 1 ? "" : "s") + ", "
        + report.warnings() + " warning" + (report.warnings() == 1 ? "" : "s") + ", " + report.acknowledged()
        + " acknowledged";
  }

  /** The documented shape: {file, errors, warnings, acknowledged, findings: [...]}. */
  static ObjectNode json(LintReport report) {
    ObjectNode root = JSON.createObjectNode();
    root.put("file", report.file());
    root.put("errors", report.errors());
    root.put("warnings", report.warnings());
    root.put("acknowledged", report.acknowledged());
    ArrayNode findings = root.putArray("findings");
    for (LintFinding finding : report.findings()) {
      findings.add(JSON.valueToTree(finding));
    }
    return root;
  }

  /**
   * Lints a plan before it is pushed: prints the blocking findings and says nothing was done.
   *
   * @return whether the plan may go on
   */
  static boolean passes(Plan plan, String yaml, Path file, PrintWriter err, String refused) {
    LintReport report = PlanLint.lint(plan, yaml, file.toString(), Instant.now());
    if (report.blocking().isEmpty()) {
      return true;
    }
    report.blocking().forEach(f -> err.println(f.format()));
    err.println(report.blocking().size() + " lint error" + (report.blocking().size() == 1 ? "" : "s")
        + " no step acknowledges; " + refused + " (see cutover plan lint " + file + ")");
    err.flush();
    return false;
  }
}
