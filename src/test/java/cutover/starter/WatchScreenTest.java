package cutover.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.PlanPushRequest;
import cutover.activities.Targets;
import cutover.testing.CliRun;
import cutover.testing.TestDatabase;
import cutover.worker.CutoverWorker;
import cutover.worker.DevEnvironment;
import cutover.worker.TemporalConnection;
import cutover.worker.TemporalDevServer;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.CutoverRequest;
import cutover.workflows.CutoverResult;
import cutover.workflows.CutoverWorkflow;
import cutover.workflows.PlanPushWorkflow;
import cutover.workflows.RunState;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code cutover status --watch} in a terminal of fixed size (tmux, 100 x 30) against a run on
 * Java's test server with the real worker and an embedded PostgreSQL: a backfill, then a gate. The
 * screen shows the backfill's bars while it copies, then the gate with the command that answers
 * it; that command, typed as shown, approves the gate; the watch ends with the run, exit code 0,
 * and its last screen agrees with the run (rows copied, state).
 */
class WatchScreenTest {
  private static final int ROWS = 6000;
  private static final int WIDTH = 100;
  private static final int HEIGHT = 30;

  @Test
  void theScreenFollowsABackfillAndItsGateCommandAnswersTheGate() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")) || "true".equals(System.getenv("CI")),
        "tmux is not installed");
    Targets.Target target = TestDatabase.newDatabase("watched");
    try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE src (id bigint PRIMARY KEY, name text)");
      s.execute("INSERT INTO src SELECT g, md5(g::text) FROM generate_series(1, " + ROWS + ") g");
      s.execute("ANALYZE src");
      s.execute("CREATE TABLE dst (id bigint PRIMARY KEY, name text)");
    }
    String plan = """
        name: watch-me
        target: watched
        phases:
          - name: copy
            steps:
              - id: hold
                kind: wait
                for: 10m
              - id: copy-rows
                kind: backfill
                from: src
                key: [id]
                into: dst
                columns: {id: id, name: name}
                partitions: 2
                batchSize: 100
                rate: 1500
              - id: go
                kind: approval
                approvers: [alice]
              - id: mark
                kind: sql
                sql: COMMENT ON TABLE dst IS 'copied'
                compensate: COMMENT ON TABLE dst IS NULL
        """;
    int port = TemporalDevServer.freePort();
    String address = "127.0.0.1:" + port;
    String socket = "cutover-watch-" + UUID.randomUUID().toString().substring(0, 8);
    Path dir = Files.createTempDirectory("watch-screen");
    try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true);
        TemporalConnection connection = TemporalConnection.open(address, "default");
        Targets targets = Targets.of(List.of(target))) {
      DevEnvironment.registerSearchAttributes(address);
      try (CutoverWorker worker = CutoverWorker.start(connection.client(), targets)) {
        assertEquals(List.of(), connection.client().newWorkflowStub(PlanPushWorkflow.class, WorkflowOptions.newBuilder()
                .setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId("push-" + UUID.randomUUID()).build())
            .push(new PlanPushRequest(plan, "plan.yaml", null, "tester")).problems());
        String run = "watch-" + UUID.randomUUID().toString().substring(0, 8);
        CutoverWorkflow cutover = connection.client().newWorkflowStub(CutoverWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId(run).build());
        WorkflowClient.start(cutover::run, new CutoverRequest("watch-me", "watched", null, null, "carol"));

        Path script = dir.resolve("watch.sh");
        Files.writeString(script, "export CLASSPATH='" + System.getProperty("java.class.path") + "'\n"
            + "unset NO_COLOR\n"
            + "'" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -XX:TieredStopAtLevel=1 "
            + "cutover.starter.CutoverCli status " + run + " --watch --interval 0.3 --address " + address
            + " --as alice\necho \"EXIT=$?\"\nsleep 60\n");
        tmux(socket, "new-session", "-d", "-x", "" + WIDTH, "-y", "" + HEIGHT, "sh " + script);

        // the run holds at a wait until the watch is up, so the screen sees the backfill from its start
        String holding = awaitScreen(socket, s -> s.contains("wait hold holds"));
        Matcher skip = Pattern.compile("skip: +(cutover skip .*)").matcher(holding);
        assertTrue(skip.find(), holding);
        assertEquals("cutover skip " + run + " --gate hold --address " + address + " --as alice", skip.group(1).trim());
        List<String> skipArgs = new ArrayList<>(Arrays.asList(skip.group(1).trim().split(" ")));
        skipArgs.remove(0);
        CliRun skipped = CliRun.cutover(skipArgs.toArray(String[]::new));
        assertEquals(CutoverCli.OK, skipped.exitCode(), skipped.out() + skipped.err());

        // the first progress, as status reads it, within two seconds of the step's start
        double firstProgressAfter = -1;
        List<String> screens = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String gateScreen = null;
        while (System.nanoTime() < deadline && gateScreen == null) {
          if (firstProgressAfter < 0) {
            firstProgressAfter = firstProgressAfterPartStart(connection, run + ".copy");
          }
          String screen = tmux(socket, "capture-pane", "-p");
          screens.add(screen);

          if (screen.contains("gate go waits")) {
            gateScreen = screen;
          }
          if (screen.contains("EXIT=")) {
            break;
          }
          Thread.sleep(150);
        }
        assertTrue(gateScreen != null, "the gate never showed; last screen:\n" + last(screens));
        System.out.printf("watch: the first progress reached Temporal %.2f s after its backfill part started%n",
            firstProgressAfter);
        assertTrue(firstProgressAfter >= 0 && firstProgressAfter < 3, "first progress after " + firstProgressAfter + " s");

        String copying = screens.stream().filter(s -> s.contains("all parts  [") && s.contains("part 1/2") && s.contains("part 2/2"))
            .findFirst().orElseThrow(() -> new AssertionError("no screen with the backfill's bars:\n" + screens));
        System.out.println("watch: a screen while the backfill copied:\n" + copying);
        Matcher all = Pattern.compile("all parts  \\[[█░]+\\] +\\d+% ([\\d,]+) / ~([\\d,]+) rows · [\\d,]+ rows/s")
            .matcher(copying);
        assertTrue(all.find(), copying);
        long shownRows = Long.parseLong(all.group(1).replace(",", ""));
        assertTrue(shownRows <= ROWS, "shown " + shownRows);
        assertEquals(ROWS, Long.parseLong(all.group(2).replace(",", "")), "the estimate, from the planner's statistics");
        assertTrue(copying.contains("part 1/2") && copying.contains("part 2/2"), copying);
        for (String screen : screens) {
          for (String line : screen.split("\n")) {
            assertTrue(line.length() <= WIDTH, "wider than the terminal: " + line);
          }
        }

        System.out.println("watch: the screen at the gate:\n" + gateScreen);
        Matcher approve = Pattern.compile("approve: (cutover approve .*)").matcher(gateScreen);
        assertTrue(approve.find(), gateScreen);
        String command = approve.group(1).trim();
        assertEquals("cutover approve " + run + " --gate go --address " + address + " --as alice", command);
        assertEquals(ROWS, TestDatabase.count(target, "SELECT count(*) FROM dst"), "copied before the gate");
        assertTrue(gateScreen.contains("copy-rows") && gateScreen.contains(String.format("copied %,d", ROWS))
            || gateScreen.contains(String.format("%,d rows", ROWS)), "the step's outcome shows the rows: " + gateScreen);

        // typed as shown
        List<String> args = new ArrayList<>(Arrays.asList(command.split(" ")));
        args.remove(0);
        CliRun approved = CliRun.cutover(args.toArray(String[]::new));
        assertEquals(CutoverCli.OK, approved.exitCode(), approved.out() + approved.err());
        assertEquals(RunState.COMPLETED, WorkflowStub.fromTyped(cutover).getResult(CutoverResult.class).state());

        String end = awaitScreen(socket, s -> s.contains("EXIT="));
        assertTrue(end.contains("✓ hold") || end.contains("skipped"), end);
        System.out.println("watch: the last screen:\n" + end);
        assertTrue(end.contains("EXIT=0"), end);
        assertTrue(end.contains("state ended: completed with state COMPLETED"), end);
        assertFalse(end.contains("gate go waits"), end);
        assertTrue(end.contains("✓ mark"), end);

        // stdout not a terminal: the screen once as plain text, and done as the run is
        CliRun plain = CliRun.cutover("status", run, "--watch", "--address", address);
        assertEquals(CutoverCli.OK, plain.exitCode(), plain.err());
        assertTrue(plain.out().contains("state ended: completed with state COMPLETED"), plain.out());
        assertFalse(plain.out().contains("\033"), "no escape sequences: " + plain.out());
      }
    } finally {
      try {
        tmux(socket, "kill-server");
      } catch (AssertionError alreadyGone) {
        // the session ended by itself
      }
    }
  }

  /**
   * Seconds from a backfill part's start to the server's receipt of its first heartbeat with
   * progress (what status reads), once a pending activity of the phase has one; else -1.
   */
  private static double firstProgressAfterPartStart(TemporalConnection connection, String phase) {
    try {
      for (PendingActivityInfo activity : connection.service().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(phase)).build()).getPendingActivitiesList()) {
        if (activity.hasHeartbeatDetails() && activity.getHeartbeatDetails().getPayloads(0).getData().toStringUtf8()
            .contains("\"rowsDone\"")) {
          return Durations.toMillis(Timestamps.between(activity.getLastStartedTime(), activity.getLastHeartbeatTime()))
              / 1000.0;
        }
      }
    } catch (io.grpc.StatusRuntimeException notYet) {
      // the phase has not started
    }
    return -1;
  }

  private static String awaitScreen(String socket, java.util.function.Predicate<String> check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String screen = "";
    while (System.nanoTime() < deadline) {
      screen = tmux(socket, "capture-pane", "-p");
      if (check.test(screen)) {
        return screen;
      }
      Thread.sleep(150);
    }
    throw new AssertionError("the screen never showed what was expected; last:\n" + screen);
  }

  private static String last(List<String> screens) {
    return screens.isEmpty() ? "" : screens.get(screens.size() - 1);
  }

  /** Runs tmux on the test's own server socket; its output. */
  private static String tmux(String socket, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new AssertionError("tmux " + String.join(" ", args) + ": " + out);
    }
    return out;
  }
}
