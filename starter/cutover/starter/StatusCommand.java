package cutover.starter;

import cutover.activities.LedgerRunState;
import cutover.activities.RunReport;
import cutover.activities.StepAction;
import cutover.worker.CutoverDataConverter;
import cutover.worker.TemporalConnection;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowFailedException;
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

  @Option(names = "--watch", description = "a live screen of the run, redrawn in place until the run ends")
  boolean watch;

  @Mixin OutputOptions output;

  @Mixin WatchOptions watchOptions;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    boolean json = output.json();
    try (TemporalConnection connection = temporal.connect()) {
      while (true) {
        RunStatus status;
        try {
          status = RunStatus.query(connection, run);
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
            throw e;
          }
          return notInTemporal(connection, out);
        }
        if (watch && !json) {
          return new StatusWatch(connection, run, watchOptions.intervalSeconds, new WatchFrame.GateCommands(
              temporal.address, temporal.namespace, watchOptions.asForCommands()), java.time.Clock.systemUTC()).watch(out);
        }
        if (json) {
          out.println(CutoverDataConverter.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(status));
        } else {
          StatusPrinter.print(status, out, temporal.hintFlags());
        }
        out.flush();
        if (!watch || !StartCommand.isRunning(connection, run)) {
          return CutoverCli.OK;
        }
        Thread.sleep(Math.round(watchOptions.intervalSeconds * 1000));
      }
    }
  }

  /** Temporal has no such run: what the ledger has, and how to go on (after Temporal lost its state, say). */
  private int notInTemporal(TemporalConnection connection, PrintWriter out) throws InterruptedException {
    RunReport ledger;
    try {
      ledger = ReportCommand.fetch(connection, run, null);
    } catch (WorkflowFailedException notInLedger) {
      spec.commandLine().getErr().println("Temporal has no run " + run + ", and " + Failures.message(notInLedger));
      return CutoverCli.FAILED;
    }
    long applied = ledger.steps().stream().filter(s -> StepAction.APPLY.word().equals(s.action())).count();
    if (!LedgerRunState.ACTIVE.word().equals(ledger.state())) {
      out.printf("run %s is not in Temporal; the ledger of target %s has it %s since %s: `cutover report %s%s` shows it%n",
          run, ledger.target(), ledger.state(), ledger.endedAt(), run, temporal.hintFlags());
      return CutoverCli.FAILED;
    }
    out.printf("run %s is not in Temporal, but the ledger of target %s has it active: plan %s, started by %s at %s, "
        + "%d step(s) applied%n", run, ledger.target(), ledger.planName(), ledger.startedBy(), ledger.startedAt(), applied);
    out.println("Temporal has lost the run (a server restarted without its data, say). Go on from where it stopped "
        + "(applied steps are not applied again, decisions stand):");
    out.printf("  cutover start %s --target %s --resume %s%s%n", ledger.planName(), ledger.target(), run,
        temporal.hintFlags());
    out.printf("or end it for good:  cutover abandon %s%s --reason \"...\"%n", run, temporal.hintFlags());
    return CutoverCli.FAILED;
  }
}
