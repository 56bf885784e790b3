package cutover.starter;

import cutover.activities.Targets;
import cutover.worker.CutoverWorker;
import cutover.worker.TargetConfig;
import cutover.worker.TemporalConnection;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.TargetTaskQueue;
import java.nio.file.Path;
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

  @Override
  public Integer call() throws Exception {
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
    TemporalConnection connection = temporal.connect();
    CutoverWorker worker;
    try {
      worker = CutoverWorker.start(connection.client(), targets, allowCommands, approvals.signers());
    } catch (IllegalArgumentException badName) {
      connection.close();
      spec.commandLine().getErr().println("cannot serve a configured target: " + badName.getMessage());
      return CutoverCli.BAD_INPUT;
    }
    spec.commandLine().getOut().printf("worker polling task queue %s on %s (namespace %s) for targets: %s"
            + " (their activities on %s)%n",
        WorkflowRegistration.TASK_QUEUE, temporal.address, temporal.namespace, String.join(", ", targets.names()),
        String.join(", ", targets.names().stream().map(TargetTaskQueue::of).toList()));
    spec.commandLine().getOut().flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.close();
      connection.close();
      targets.close();
      stopped.countDown();
    }));
    stopped.await();
    return CutoverCli.OK;
  }
}
