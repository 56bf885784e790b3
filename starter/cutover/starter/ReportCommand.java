package cutover.starter;

import cutover.activities.RunRef;
import cutover.activities.RunReport;
import cutover.worker.TemporalConnection;
import cutover.workflows.RunReportWorkflow;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Report a run from the ledger (read by the worker).",
        "The plan, every phase and step with start, end, duration and outcome, a timeline, approvals and refusals, "
            + "verification findings, backfill rates and compensations. HTML is one self-contained file."})
final class ReportCommand implements Callable<Integer> {
  enum Format { html, json }

  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;

  @Parameters(paramLabel = "RUN", description = "the run id")
  String run;

  @Option(names = "--format", defaultValue = "html",
      description = "html, or json: the report's data (shape in the README) (default: ${DEFAULT-VALUE})")
  Format format;

  @Option(names = "--json", description = "same as --format json (here --output names the file)")
  boolean json;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the report to FILE (default: print it)")
  Path output;

  @Option(names = "--target", description = "the run's target (default: look in every target of the worker)")
  String target;

  @Override
  public Integer call() throws Exception {
    try (TemporalConnection connection = temporal.connect()) {
      String text = render(fetch(connection, run, target), json ? Format.json : format);
      if (output == null) {
        PrintWriter out = spec.commandLine().getOut();
        out.print(text);
        out.flush();
      } else {
        Files.writeString(output, text, StandardCharsets.UTF_8);
        spec.commandLine().getOut().println("report of run " + run + " written to " + output.toAbsolutePath());
      }
      return CutoverCli.OK;
    }
  }

  /** @throws WorkerCalls.NoWorker when no worker takes the read within a bounded wait */
  static RunReport fetch(TemporalConnection connection, String run, String target) throws InterruptedException {
    return WorkerCalls.call(connection, RunReportWorkflow.TYPE, new RunRef(target, run), RunReport.class);
  }

  static String render(RunReport report, Format format) throws java.io.IOException {
    RunTimeline timeline = new RunTimeline(report);
    return format == Format.json ? ReportRenderer.json(timeline) : ReportRenderer.html(timeline);
  }

  /** Writes the run's HTML report; @return the file's absolute path. */
  static Path writeHtml(TemporalConnection connection, String run, String target, Path file)
      throws java.io.IOException, InterruptedException {
    Files.writeString(file, render(fetch(connection, run, target), Format.html), StandardCharsets.UTF_8);
    return file.toAbsolutePath();
  }
}
