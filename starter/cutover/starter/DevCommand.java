package cutover.starter;

import cutover.worker.DevEnvironment;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "dev", mixinStandardHelpOptions = true,
    description = "Run Temporal's test server, an embedded PostgreSQL (target demo) and a worker in one process.")
final class DevCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--port", defaultValue = "7233", description = "Temporal port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--allow-commands", description = "the worker runs `command` steps of plans (refused otherwise)")
  boolean allowCommands;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    DevEnvironment dev = DevEnvironment.start(port, allowCommands);
    dev.loadExample(DemoCommand.EXAMPLE);
    PlanCommand.Push.push(dev.connection(), DevEnvironment.exampleFile(DemoCommand.EXAMPLE, "plan.yaml"),
        "examples/" + DemoCommand.EXAMPLE + "/plan.yaml", null, Operators.who(null));
    out.printf("""
        cutover dev is up (Ctrl-C to stop; nothing is kept).
          Temporal (test server):  %s, namespace default, task queue cutover
          PostgreSQL (embedded):   target "demo" on 127.0.0.1:%d, database demo (credentials stay in this process)
                                   loaded with the legacy tables of examples/contract-templates; its plan is pushed
          worker:                  running here for target demo
        In a second terminal:
          java -jar target/cutover.jar start contract-templates --target demo --id ct-1
          java -jar target/cutover.jar status ct-1 --watch
          java -jar target/cutover.jar approve ct-1 --gate go-no-go --as dba-on-call --comment "parity is clean"
          java -jar target/cutover.jar list
          java -jar target/cutover.jar report ct-1 -o ct-1.html
        """, dev.address(), dev.postgresPort());
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        dev.close();
      } catch (Exception ignored) {
        // shutting down anyway
      }
      stopped.countDown();
    }));
    stopped.await();
    return CutoverCli.OK;
  }
}
