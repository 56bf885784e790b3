package cutover;

import cutover.worker.TemporalDevServer;
import static cutover.CutoverEndToEndIT.await;
import static cutover.CutoverEndToEndIT.count;
import static cutover.CutoverEndToEndIT.startWorker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.PlanPushRequest;
import cutover.activities.PlanPushResult;
import cutover.activities.Targets;
import cutover.testing.TestDatabase;
import cutover.worker.DevEnvironment;
import cutover.worker.TemporalConnection;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.CutoverPhaseWorkflow;
import cutover.workflows.PhaseRequest;
import cutover.workflows.PhaseResult;
import cutover.workflows.PlanPushWorkflow;
import cutover.workflows.RunState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testserver.TestServer;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A backfill in two parallel parts whose worker process is killed with {@code kill -9} three
 * times: each time a new worker takes the parts over after the heartbeat timeout, and every part
 * goes on after its last committed batch. The target has no unique key, so a row copied twice
 * would show.
 */
class BackfillEndToEndIT {
  static final int ROWS = 30_000;

  @Test
  void survivesThreeKillsWithEveryRowCopiedExactlyOnce() throws Exception {
    Targets.Target database = TestDatabase.newDatabase("demo");
    try (Connection c = TestDatabase.connect(database); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE src (id bigint PRIMARY KEY, name text, n int)");
      s.execute("INSERT INTO src SELECT g * 3, CASE WHEN g % 10 = 0 THEN NULL ELSE md5(g::text) END, g % 97"
          + " FROM generate_series(1, " + ROWS + ") g");
      s.execute("CREATE TABLE dst (id bigint, name text, n int)");
    }
    String plan = """
        name: backfill-e2e
        target: demo
        phases:
          - name: copy
            steps:
              - id: copy-src
                kind: backfill
                from: src
                key: [id]
                into: dst
                columns: {id: id, name: name, n: n}
                partitions: 2
                batchSize: 250
                rate: 3000
        """;

    int port = TemporalDevServer.freePort();
    String address = "127.0.0.1:" + port;
    try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true);
        TemporalConnection connection = TemporalConnection.open(address, "default")) {
      DevEnvironment.registerSearchAttributes(address);
      Process worker = startWorker(address, database, 11);
      WorkflowClient client = connection.client();
      try {
        String run = startPhase(client, plan, "backfill-e2e", "copy");

        long started = System.nanoTime();
        long[] seen = {0};
        for (int kill = 1; kill <= 3; kill++) {
          long from = seen[0];
          await("the backfill to move on before kill " + kill, Duration.ofSeconds(90), () -> {
            seen[0] = rowsDone(database);
            return seen[0] >= from + 2_500;
          });
          worker.destroyForcibly().waitFor();
          System.out.printf("backfill e2e: kill -9 number %d with %,d of %,d rows copied%n", kill, rowsDone(database),
              ROWS);
          worker = startWorker(address, database, 11 + kill);
        }
        PhaseResult result = phaseResult(client, run);
        System.out.printf("backfill e2e: done %.1f s after the start, three kills included%n",
            (System.nanoTime() - started) / 1e9);

        assertEquals(RunState.COMPLETED, result.state());
        assertTrue(rowsDone(database) == ROWS, "rows done " + rowsDone(database));
        assertEquals(checksum(database, "src"), checksum(database, "dst"));
        assertEquals(0L, count(database, "SELECT 'x', count(*) FROM (SELECT id FROM dst GROUP BY id HAVING count(*) > 1) d")
            .getOrDefault("x", 0L), "no row copied twice");
        assertEquals(1L, count(database, "SELECT 'x', count(*) FROM cutover.step WHERE step_id = 'copy-src'"
            + " AND action = 'apply'").get("x"));
        int events = client.fetchHistory(run).getEvents().size();
        System.out.printf("backfill e2e: %d events in the phase's history%n", events);
        assertTrue(events <= 80, "history events: " + events);
      } finally {
        worker.destroyForcibly().waitFor();
      }
    }
  }

  /**
   * The same copy under the application's inserts, updates and deletes, its worker killed with
   * {@code kill -9} once during the bulk pass and once while it replays the captured changes:
   * the target equals the source when the step is recorded, and no row is there twice.
   */
  @Test
  void underConcurrentWritesSurvivesKillsDuringBulkPassAndReplay() throws Exception {
    int rows = 6_000;
    Targets.Target database = sourceAndTarget(rows);
    String plan = copyPlan("backfill-writes-e2e", "pauseBetween: 100ms");
    int port = TemporalDevServer.freePort();
    String address = "127.0.0.1:" + port;
    try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true);
        TemporalConnection connection = TemporalConnection.open(address, "default")) {
      DevEnvironment.registerSearchAttributes(address);
      Process worker = startWorker(address, database, 21);
      WorkflowClient client = connection.client();
      // after the push, which made the ledger the application's writes look at
      String run = startPhase(client, plan, "backfill-writes-e2e", "copy");
      try (Application application = new Application(database, rows)) {

        await("the bulk pass to move on", Duration.ofSeconds(90), () -> rowsDone(database) >= 1_500);
        worker.destroyForcibly().waitFor();
        System.out.printf("backfill writes e2e: kill -9 in the bulk pass with %,d rows copied, %,d writes so far%n",
            rowsDone(database), application.writes.get());
        worker = startWorker(address, database, 22);
        await("the replay of captured changes", Duration.ofSeconds(120), () -> replayed(database) > 0);
        worker.destroyForcibly().waitFor();
        System.out.printf("backfill writes e2e: kill -9 in the replay with %,d changes replayed%n", replayed(database));
        worker = startWorker(address, database, 23);

        PhaseResult result = phaseResult(client, run);
        assertEquals(RunState.COMPLETED, result.state());
        application.close();
        System.out.printf("backfill writes e2e: %,d writes; %s%n", application.writes.get(), result.steps().get(0).outcome());
        assertTrue(application.writes.get() > 200, "writes during the copy: " + application.writes.get());
        assertEquals(checksum(database, "src"), checksum(database, "dst"));
        assertEquals(0L, count(database, "SELECT 'x', count(*) FROM (SELECT id FROM dst GROUP BY id HAVING count(*) > 1) d")
            .getOrDefault("x", 0L), "no row copied twice");
        assertEquals(0L, count(database, "SELECT 'x', count(*) FROM pg_trigger WHERE tgname LIKE 'cutover_capture_%'")
            .getOrDefault("x", 0L), "the capture's trigger is gone");
      } finally {
        worker.destroyForcibly().waitFor();
      }
    }
  }

  /**
   * The copy under the application's writes with its latency guard on, its worker killed with
   * {@code kill -9} twice in the bulk pass: each new worker's attempt goes on from the part's last
   * batch with the baseline the first attempt stored (measured once, before the first batch), and
   * the target equals the source when the step is recorded.
   */
  @Test
  void underALatencyGuardSurvivesTwoKillsAndTwoResumes() throws Exception {
    int rows = 9_000;
    Targets.Target database = sourceAndTarget(rows);
    // ratio 20: a loaded machine's jitter does not hold the copy for the test's whole time
    String plan = copyPlan("backfill-guard-e2e", "pauseBetween: 50ms", "guard: {ratio: 20, window: 500ms, every: 10ms}");
    int port = TemporalDevServer.freePort();
    String address = "127.0.0.1:" + port;
    try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true);
        TemporalConnection connection = TemporalConnection.open(address, "default")) {
      // no registration here: the worker registers the search attributes the server lacks (a bare
      // server has none, and every run's workflow task would fail upserting them)
      Process worker = startWorker(address, database, 31);
      WorkflowClient client = connection.client();
      String run = startPhase(client, plan, "backfill-guard-e2e", "copy");
      try (Application application = new Application(database, rows)) {
        long[] seen = {0};
        Long firstBaseline = null;
        for (int kill = 1; kill <= 2; kill++) {
          long from = seen[0];
          await("the bulk pass to move on before kill " + kill, Duration.ofSeconds(120), () -> {
            seen[0] = rowsDone(database);
            return seen[0] >= from + 1_500;
          });
          if (firstBaseline == null) {
            firstBaseline = guardBaseline(database);
          }
          worker.destroyForcibly().waitFor();
          System.out.printf("backfill guard e2e: kill -9 number %d with %,d rows copied%n", kill, rowsDone(database));
          worker = startWorker(address, database, 31 + kill);
        }
        PhaseResult result = phaseResult(client, run);
        assertEquals(RunState.COMPLETED, result.state());
        application.close();
        String outcome = result.steps().get(0).outcome();
        System.out.printf("backfill guard e2e: %,d writes; %s%n", application.writes.get(), outcome);
        assertTrue(firstBaseline != null && firstBaseline > 0, "a baseline stored before the first kill");
        assertTrue(outcome.contains("latency guard: probe p99 baseline"), outcome);
        assertEquals(checksum(database, "src"), checksum(database, "dst"));
        assertEquals(0L, count(database, "SELECT 'x', count(*) FROM (SELECT id FROM dst GROUP BY id HAVING count(*) > 1) d")
            .getOrDefault("x", 0L), "no row copied twice");
        // one baseline for the part over its three attempts, and the last attempt's probes counted at its close
        assertEquals(1L, count(database, "SELECT 'x', count(*) FROM cutover.backfill_guard WHERE step_id = 'copy-src'")
            .get("x"));
        assertTrue(count(database, "SELECT 'x', probes FROM cutover.backfill_guard WHERE step_id = 'copy-src'")
            .get("x") > 50);
        assertEquals(0L, count(database, "SELECT 'x', count(*) FROM pg_trigger WHERE tgname LIKE 'cutover_capture_%'")
            .getOrDefault("x", 0L), "the capture's trigger is gone");
      } finally {
        worker.destroyForcibly().waitFor();
      }
    }
  }

  static Long guardBaseline(Targets.Target database) {
    return count(database, "SELECT 'x', baseline_p99_us FROM cutover.backfill_guard WHERE step_id = 'copy-src'")
        .get("x");
  }

  /** A new database with {@code rows} rows in src (keys 3, 6, ...) and an empty dst of the same columns. */
  static Targets.Target sourceAndTarget(int rows) throws Exception {
    Targets.Target database = TestDatabase.newDatabase("demo");
    try (Connection c = TestDatabase.connect(database); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE src (id bigint PRIMARY KEY, name text, n int)");
      s.execute("INSERT INTO src SELECT g * 3, md5(g::text), g % 97 FROM generate_series(1, " + rows + ") g");
      s.execute("CREATE TABLE dst (id bigint, name text, n int)");
    }
    return database;
  }

  /** A plan {@code name}: phase copy, its one step copy-src a backfill of src into dst in batches of 100, with {@code fields}. */
  static String copyPlan(String name, String... fields) {
    StringBuilder plan = new StringBuilder("name: " + name + "\n"
        + "target: demo\n"
        + "phases:\n"
        + "  - name: copy\n"
        + "    steps:\n"
        + "      - id: copy-src\n"
        + "        kind: backfill\n"
        + "        from: src\n"
        + "        key: [id]\n"
        + "        into: dst\n"
        + "        columns: {id: id, name: name, n: n}\n"
        + "        batchSize: 100\n");
    for (String field : fields) {
      plan.append("        ").append(field).append('\n');
    }
    return plan.toString();
  }

  /**
   * Pushes the plan through the worker (its problems must be none) and starts its phase as a run of
   * its own, named after the plan; returns the run's id.
   */
  static String startPhase(WorkflowClient client, String plan, String planName, String phase) {
    PlanPushResult pushed = client.newWorkflowStub(PlanPushWorkflow.class, WorkflowOptions.newBuilder()
            .setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId("push-" + UUID.randomUUID()).build())
        .push(new PlanPushRequest(plan, "plan.yaml", null, "tester"));
    assertEquals(List.of(), pushed.problems());
    String run = planName + "-" + UUID.randomUUID().toString().substring(0, 8);
    CutoverPhaseWorkflow started = client.newWorkflowStub(CutoverPhaseWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId(run).build());
    WorkflowClient.start(started::run, new PhaseRequest(planName, "demo", null, phase, null, "tester", null));
    return run;
  }

  /** The phase's result, waiting at most 5 minutes for it. */
  static PhaseResult phaseResult(WorkflowClient client, String run) throws Exception {
    return client.newUntypedWorkflowStub(run).getResult(5, java.util.concurrent.TimeUnit.MINUTES, PhaseResult.class);
  }

  static long replayed(Targets.Target database) {
    try {
      return count(database, "SELECT 'x', coalesce(sum(replayed), 0) FROM cutover.backfill_checkpoint")
          .getOrDefault("x", 0L);
    } catch (RuntimeException noLedgerYet) {
      return 0;
    }
  }

  /**
   * Inserts, updates (of values and of keys) and deletes at random keys of src, each in its own
   * transaction, about 200 a second; it stops at the first write after the step is recorded,
   * which it rolls back, so src ends as the step's last transaction saw it.
   */
  static final class Application implements AutoCloseable {
    final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    private final Thread thread;

    Application(Targets.Target database, int rows) {
      thread = new Thread(() -> {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        try (Connection c = TestDatabase.connect(database, "application"); Statement s = c.createStatement()) {
          c.setAutoCommit(false);
          while (!stop.get()) {
            long key = random.nextLong(-300, rows * 3L + 3000);
            String sql = switch (random.nextInt(5)) {
              case 0 -> "INSERT INTO src VALUES (" + key + ", 'ins', 1) ON CONFLICT (id) DO NOTHING";
              case 1, 2 -> "UPDATE src SET n = n + 1, name = 'upd' WHERE id = " + key;
              case 3 -> "DELETE FROM src WHERE id = " + key;
              default -> "UPDATE src SET id = id + 100000 WHERE id = " + key;
            };
            try {
              s.execute(sql);
            } catch (java.sql.SQLException duplicate) { // a moved key that exists already
              c.rollback();
              continue;
            }
            boolean recorded;
            try (var rs = s.executeQuery("SELECT count(*) > 0 FROM cutover.step WHERE step_id = 'copy-src'"
                + " AND action = 'apply'")) {
              rs.next();
              recorded = rs.getBoolean(1);
            }
            if (recorded) {
              c.rollback();
              return;
            }
            c.commit();
            writes.incrementAndGet();
            Thread.sleep(5);
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      }, "application");
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join();
      if (failure.get() != null) {
        throw new AssertionError("the application's writes failed", failure.get());
      }
    }
  }

  static long rowsDone(Targets.Target database) {
    try {
      return count(database, "SELECT 'x', coalesce(sum(rows_done), 0) FROM cutover.backfill_checkpoint")
          .getOrDefault("x", 0L);
    } catch (RuntimeException noLedgerYet) {
      return 0;
    }
  }

  static String checksum(Targets.Target database, String table) throws Exception {
    try (Connection c = TestDatabase.connect(database); Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) || ':' || md5(string_agg(r::text, '|' ORDER BY r::text)) FROM "
            + table + " r")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
