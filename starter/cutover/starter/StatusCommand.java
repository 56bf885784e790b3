package cutover.starter;

import cutover.worker.CutoverDataConverter;
import cutover.worker.TemporalConnection;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show a run: phases, steps, pending gates, decisions, what a rollback would undo.")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;

  @Parameters(paramLabel = "RUN", description = "the run id (the Cutover workflow id), or a CutoverPhase workflow id")
  String run;

  @Option(names = "--watch", description = "refresh every 2 seconds until the run ends")
  boolean watch;

  @Option(names = "--json", description = "print the status as JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalConnection connection = temporal.connect()) {
      while (true) {
        RunStatus status = RunStatus.query(connection, run);
        if (watch && !json) {
          out.print("\033[H\033[2J");
        }
        if (json) {
          out.println(CutoverDataConverter.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(status));
        } else {
          StatusPrinter.print(status, out);
        }
        out.flush();
        if (!watch || !StartCommand.isRunning(connection, run)) {
          return CutoverCli.OK;
        }
        Thread.sleep(2000);
      }
    }
  }
}
