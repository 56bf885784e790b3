package cutover.starter;

import cutover.activities.Targets;
import cutover.worker.CutoverWorker;
import cutover.worker.TargetConfig;
import cutover.worker.TemporalConnection;
import cutover.worker.WorkerMetrics;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.TargetTaskQueue;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "worker", mixinStandardHelpOptions = true,
    description = {"Run a worker against any Temporal server, for the configured targets.",
        "Targets: environment CUTOVER_TARGET_<NAME>_URL, _USER, _PASSWORD, or a properties file with",
        "<name>.url, <name>.user, <name>.password or <name>.passwordEnv."})
final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin TemporalOptions temporal;

  @Option(names = "--targets-file", description = "properties file of targets (default: $" + TargetConfig.FILE_VARIABLE + ")")
  Path targetsFile;

  @Option(names = "--allow-commands", description = "run `command` steps of plans on this machine (refused otherwise)")
  boolean allowCommands;

  @Mixin SignedApprovalOptions approvals = new SignedApprovalOptions();

  @Mixin WorkerOutputOptions output = new WorkerOutputOptions();

  @Option(names = "--wait-for-temporal", paramLabel = "SECONDS", defaultValue = "0",
      description = "give up when the Temporal server has not answered for this long (default: keep trying)")
  long waitForTemporal;

  @Override
  public Integer call() throws Exception {
    if (output.problem() != null) {
      spec.commandLine().getErr().println("cutover worker: " + output.problem());
      return CutoverCli.BAD_INPUT;
    }
    Targets targets = TargetConfig.load(targetsFile);
    if (targets.names().isEmpty()) {
      spec.commandLine().getErr().println("no targets configured: set CUTOVER_TARGET_<NAME>_URL (and _USER, _PASSWORD) "
          + "or pass --targets-file");
      return CutoverCli.BAD_INPUT;
    }
    if (approvals.signers().problem() != null) {
      spec.commandLine().getErr().println("cutover worker: " + approvals.signers().problem());
      return CutoverCli.BAD_INPUT;
    }
    output.applyLogFormat();
    PrintWriter err = spec.commandLine().getErr();
    WorkerMetrics metrics;
    try {
      metrics = output.serveMetrics("0.0.0.0");
    } catch (java.io.IOException portTaken) {
      err.println("cutover worker: " + portTaken.getMessage());
      targets.close();
      return CutoverCli.FAILED;
    }
    TemporalConnection connection = temporal.connect(metrics);
    boolean answered = connection.awaitServer(temporal.address, waitForTemporal == 0 ? null : Duration.ofSeconds(waitForTemporal),
        waiting -> {
          err.println(waiting);
          err.flush();
        });
    if (!answered) {
      err.printf("the Temporal server at %s did not answer within %d s; is it running? (`cutover dev` runs one)%n",
          temporal.address, waitForTemporal);
      connection.close();
      closeMetrics(metrics);
      targets.close();
      return CutoverCli.FAILED;
    }
    String unregistered = connection.registerSearchAttributes();
    if (unregistered != null) {
      err.println("cutover worker: " + unregistered);
      connection.close();
      closeMetrics(metrics);
      targets.close();
      return CutoverCli.FAILED;
    }
    CutoverWorker worker;
    try {
      worker = CutoverWorker.start(connection.client(), targets, allowCommands, approvals.signers());
    } catch (IllegalArgumentException badName) {
      connection.close();
      closeMetrics(metrics);
      err.println("cannot serve a configured target: " + badName.getMessage());
      return CutoverCli.BAD_INPUT;
    }
    spec.commandLine().getOut().printf("worker polling task queue %s on %s (namespace %s) for targets: %s"
            + " (their activities on %s)%n",
        WorkflowRegistration.TASK_QUEUE, temporal.address, temporal.namespace, String.join(", ", targets.names()),
        String.join(", ", targets.names().stream().map(TargetTaskQueue::of).toList()));
    if (metrics != null) {
      spec.commandLine().getOut().printf("metrics at %s%n", metrics.url());
    }
    spec.commandLine().getOut().flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable stop = () -> {
      worker.close();
      connection.close();
      closeMetrics(metrics);
      targets.close();
      stopped.countDown();
    };
    Thread hook = new Thread(stop);
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException interrupted) {
      // stopped from within the process (an embedding caller), not by a signal
      Runtime.getRuntime().removeShutdownHook(hook);
      stop.run();
    }
    return CutoverCli.OK;
  }

  private static void closeMetrics(WorkerMetrics metrics) {
    if (metrics != null) {
      metrics.close();
    }
  }
}
