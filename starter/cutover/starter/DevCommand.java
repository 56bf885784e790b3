package cutover.starter;

import cutover.activities.Targets;
import cutover.worker.DevEnvironment;
import cutover.worker.TargetConfig;
import cutover.worker.TemporalConnection;
import cutover.worker.TemporalDevServer;
import cutover.worker.WorkerMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "dev", mixinStandardHelpOptions = true,
    description = {"Run a Temporal server, an embedded PostgreSQL (target demo) and a worker in one process.",
        "The worker also serves the targets configured as for `cutover worker` (CUTOVER_TARGET_<NAME>_URL, ...,",
        "or --targets-file); none of them may be called demo.",
        "With the Temporal CLI (`temporal` on PATH, or --temporal PATH) the server is `temporal server start-dev`",
        "with the Web UI, and its state and the database are kept in --state-dir; otherwise Java's test server",
        "(no UI, nothing kept)."})
final class DevCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--port", defaultValue = "7233", description = "Temporal port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--ui-port", defaultValue = "8233",
      description = "Temporal Web UI port on 127.0.0.1, with the Temporal CLI (default: ${DEFAULT-VALUE})")
  int uiPort;

  @Option(names = "--temporal", defaultValue = "auto", paramLabel = "auto|test-server|PATH",
      description = "which Temporal server: auto (the Temporal CLI if on PATH, else Java's test server), test-server,"
          + " or the path of the `temporal` binary (default: ${DEFAULT-VALUE})")
  String temporal;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "where the Temporal CLI's server keeps its state and PostgreSQL its data (default: ~/.cutover/dev)")
  Path stateDir;

  @Option(names = "--allow-commands", description = "the worker runs `command` steps of plans (refused otherwise)")
  boolean allowCommands;

  @Option(names = "--targets-file",
      description = "properties file of more targets for the worker, as for `cutover worker` (default: $"
          + TargetConfig.FILE_VARIABLE + ")")
  Path targetsFile;

  @Mixin SignedApprovalOptions approvals = new SignedApprovalOptions();

  @Mixin WorkerOutputOptions output = new WorkerOutputOptions();

  /** The worker's metrics endpoint, on 127.0.0.1 like the rest of dev; null when off. */
  private WorkerMetrics metrics;

  static Path defaultStateDir() {
    return Path.of(System.getProperty("user.home"), ".cutover", "dev");
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Optional<Path> binary;
    try {
      binary = TemporalDevServer.resolve(temporal);
    } catch (IllegalArgumentException bad) {
      spec.commandLine().getErr().println(bad.getMessage());
      return CutoverCli.BAD_INPUT;
    }
    if (approvals.signers().problem() != null) {
      spec.commandLine().getErr().println("cutover dev: " + approvals.signers().problem());
      return CutoverCli.BAD_INPUT;
    }
    if (output.problem() != null) {
      spec.commandLine().getErr().println("cutover dev: " + output.problem());
      return CutoverCli.BAD_INPUT;
    }
    output.applyLogFormat();
    try {
      metrics = output.serveMetrics("127.0.0.1");
    } catch (IOException portTaken) {
      spec.commandLine().getErr().println("cutover dev: " + portTaken.getMessage());
      return CutoverCli.FAILED;
    }
    DevEnvironment dev;
    try {
      dev = up(binary, out);
    } catch (IllegalArgumentException badTargets) {
      spec.commandLine().getErr().println(badTargets.getMessage());
      closeMetrics();
      return CutoverCli.BAD_INPUT;
    }
    if (metrics != null) {
      out.printf("Prometheus metrics of the worker: %s%n", metrics.url());
      out.flush();
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        dev.close();
      } catch (Exception ignored) {
        // shutting down anyway
      }
      closeMetrics();
      stopped.countDown();
    }));
    if (dev.devServer() != null) {
      Thread watcher = new Thread(() -> announceRuns(dev, out, stopped), "cutover-dev-runs");
      watcher.setDaemon(true);
      watcher.start();
    }
    stopped.await();
    return CutoverCli.OK;
  }

  /**
   * Starts everything and says what runs where; on the Temporal CLI's server, with the UI's URL.
   *
   * @throws IllegalArgumentException before anything starts, when the configured targets are
   *     unusable (one is called demo, one has no URL)
   */
  DevEnvironment up(Optional<Path> binary, PrintWriter out) throws IOException, SQLException {
    Targets extraTargets = TargetConfig.load(targetsFile);
    DevEnvironment.requireNoDemo(extraTargets);
    DevEnvironment dev;
    Path state = stateDir == null ? defaultStateDir() : stateDir;
    if (binary.isPresent()) {
      Files.createDirectories(state);
      DevEnvironment.stopLeftovers(state.resolve("temporal.db"), state.resolve("postgres")).forEach(out::println);
      TemporalDevServer server = TemporalDevServer.start(binary.get(), port, uiPort, state.resolve("temporal.db"),
          state.resolve("temporal.log"));
      dev = DevEnvironment.start(server, state.resolve("postgres"), extraTargets, allowCommands, approvals.signers(),
          metrics);
    } else {
      if (temporal.equals("auto")) {
        out.println("Java's test server here (no Web UI, nothing kept): the Temporal Web UI needs the Temporal CLI: "
            + TemporalDevServer.HOW_TO_INSTALL);
      }
      dev = DevEnvironment.start(port, extraTargets, allowCommands, approvals.signers(), metrics);
    }
    if (dev.demoDatabaseCreated()) {
      dev.loadExample(DemoCommand.EXAMPLE);
    }
    PlanCommand.Push.push(dev.connection(), DevEnvironment.exampleFile(DemoCommand.EXAMPLE, "plan.yaml"),
        "examples/" + DemoCommand.EXAMPLE + "/plan.yaml", null, Operators.who(null));
    TemporalDevServer server = dev.devServer();
    String hints = TemporalOptions.hintFlags(dev.address(), TemporalConnection.DEFAULT_NAMESPACE);
    String served = String.join(", ", dev.targets().names());
    String loaded = dev.demoDatabaseCreated() ? "loaded with the legacy tables of examples/contract-templates"
        : "kept from the last run (delete " + state.resolve("postgres") + " to start over)";
    if (server != null) {
      out.printf("""
          cutover dev is up (Ctrl-C to stop; state kept in %s).
            Temporal (CLI dev server): %s, namespace default, task queue cutover
            Temporal Web UI:           %s/namespaces/default/workflows
            PostgreSQL (embedded):     target "demo" on 127.0.0.1:%d, database demo (credentials stay in this process)
                                       %s; its plan is pushed
            worker:                    running here for targets %s
          Start a cutover in the Web UI: Start Workflow, workflow id ct-1, task queue cutover, type Cutover,
            input {"plan":"contract-templates","target":"demo"}; find runs with the query CutoverTarget = "demo".
          Or in a second terminal:
            java -jar target/cutover.jar start contract-templates --target demo --id ct-1%8$s
            java -jar target/cutover.jar status ct-1 --watch%8$s
            java -jar target/cutover.jar approve ct-1 --gate go-no-go --as dba-on-call --comment "parity is clean"%8$s
            java -jar target/cutover.jar list%8$s
            java -jar target/cutover.jar report ct-1 -o ct-1.html%8$s
          Each running cutover's page in the Web UI is printed here as it starts, e.g. %s
          """, state, dev.address(), server.uiUrl(), dev.postgresPort(), loaded, served, server.workflowUrl("ct-1"),
          hints);
    } else {
      out.printf("""
          cutover dev is up (Ctrl-C to stop; nothing is kept).
            Temporal (test server):  %s, namespace default, task queue cutover
            PostgreSQL (embedded):   target "demo" on 127.0.0.1:%d, database demo (credentials stay in this process)
                                     loaded with the legacy tables of examples/contract-templates; its plan is pushed
            worker:                  running here for targets %s
          In a second terminal:
            java -jar target/cutover.jar start contract-templates --target demo --id ct-1%4$s
            java -jar target/cutover.jar status ct-1 --watch%4$s
            java -jar target/cutover.jar approve ct-1 --gate go-no-go --as dba-on-call --comment "parity is clean"%4$s
            java -jar target/cutover.jar list%4$s
            java -jar target/cutover.jar report ct-1 -o ct-1.html%4$s
          """, dev.address(), dev.postgresPort(), served, hints);
    }
    out.flush();
    return dev;
  }

  private void closeMetrics() {
    if (metrics != null) {
      metrics.close();
    }
  }

  /** Prints the Web UI's page of each running cutover once, as it shows up in visibility. */
  static void announceRuns(DevEnvironment dev, PrintWriter out, CountDownLatch stopped) {
    Set<String> announced = new HashSet<>();
    String query = VisibilityRuns.query(null, true);
    while (stopped.getCount() > 0) {
      try {
        for (VisibilityRuns.Run run : VisibilityRuns.list(dev.connection(), query, 100)) {
          if (announced.add(run.runId())) {
            out.printf("cutover %s is running: %s%n", run.runId(), dev.devServer().workflowUrl(run.runId()));
            out.flush();
          }
        }
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException stopping) {
        // the server is going away with this process, or briefly unreachable: look again
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
