package cutover.activities;

import static cutover.activities.BackfillStepTest.await;
import static cutover.activities.BackfillStepTest.database;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.plan.PlanStep;
import cutover.testing.TestDatabase;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Backfills under concurrent inserts, updates and deletes of the source: the captured changes
 * are replayed, and the target equals the source when the step is recorded; kills and dropped
 * connections keep it so; the trigger and capture table are gone after the step, its
 * compensation and a rollback.
 */
class BackfillCaptureTest {
  static final String SETUP = "CREATE TABLE src (id int PRIMARY KEY, v int, note text);"
      + "INSERT INTO src SELECT g, g, 'n' || g FROM generate_series(1, 8000, 2) g;"
      + "CREATE TABLE dst (id int PRIMARY KEY, v int, note text)";
  static final String COPY = "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id, v: v, note: note}\n";
  static final String SOURCE = "(SELECT id, v, note FROM src)";

  /**
   * The application: inserts (below, inside and above the copied range), updates (of values and
   * of keys) and deletes at random keys, each its own transaction. It stops by itself at the first
   * write after the step is recorded, which it rolls back, so the source at the end is the source
   * the step's last transaction saw.
   */
  static final class Writer implements AutoCloseable {
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong writes = new AtomicLong();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    Writer(BackfillHarness h, String stepId) {
      thread = new Thread(() -> {
        SplittableRandom random = new SplittableRandom(7);
        try (Connection c = TestDatabase.connect(h.target, "application"); Statement s = c.createStatement()) {
          c.setAutoCommit(false);
          while (!stop.get()) {
            int key = random.nextInt(-1500, 9500);
            String sql = switch (random.nextInt(5)) {
              case 0 -> "INSERT INTO src VALUES (" + key + ", " + key + ", 'ins') ON CONFLICT (id) DO NOTHING";
              case 1, 2 -> "UPDATE src SET v = v + 1, note = 'upd' WHERE id = " + key;
              case 3 -> "DELETE FROM src WHERE id = " + key;
              // a key moved once may be moved again: never onto a key that is taken
              default -> "UPDATE src SET id = id + 30000 WHERE id = " + key
                  + " AND NOT EXISTS (SELECT 1 FROM src WHERE id = " + key + " + 30000)";
            };
            s.execute(sql);
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM cutover.step WHERE step_id = '" + stepId
                + "' AND action = 'apply'")) {
              rs.next();
              if (rs.getLong(1) > 0) {
                c.rollback();
                return;
              }
            }
            c.commit();
            writes.incrementAndGet();
            Thread.sleep(2);
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join();
      if (failure.get() != null) {
        throw new AssertionError("the writer failed", failure.get());
      }
    }
  }

  static void assertCaptureGone(BackfillHarness h) throws SQLException {
    assertEquals(0, h.count("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'cutover_capture_%'"), "trigger");
    assertEquals(0, h.count("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = 'cutover' AND c.relname LIKE 'capture_%'"), "capture table");
    assertEquals(0, h.count("SELECT count(*) FROM pg_proc WHERE proname LIKE 'capture_%'"), "trigger function");
  }

  static long replayedBy(StepResult result) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("replayed ([0-9,]+) captured").matcher(result.outcome());
    assertTrue(m.find(), result.outcome());
    return Long.parseLong(m.group(1).replace(",", ""));
  }

  @Test
  void aCopyUnderConcurrentWritesEndsEqualToTheSource() throws Exception {
    try (BackfillHarness h = new BackfillHarness("cap")) {
      h.execute(SETUP);
      PlanStep step = BackfillHarness.step("copy", COPY + "batchSize: 300\npauseBetween: 5ms\npartitions: 2\n");
      StepResult result;
      try (Writer writer = new Writer(h, "copy")) {
        await("some writes", () -> writer.writes.get() > 50);
        long before = writer.writes.get();
        result = h.applyInParallel(step);
        assertTrue(writer.writes.get() > before + 20, "writes during the copy: " + (writer.writes.get() - before));
      }
      assertEquals(h.checksum(SOURCE), h.checksum("dst"));
      assertTrue(replayedBy(result) > 0, result.outcome());
      assertTrue(result.outcome().contains("final backlog 0"), result.outcome());
      assertCaptureGone(h);
    }
  }

  /**
   * A session with {@code session_replication_role = replica} (a subscription's apply, a restore)
   * skips ordinary triggers; its writes to the source during the copy are captured all the same.
   */
  @Test
  void writesOfASessionInReplicaRoleAreCapturedToo() throws Exception {
    try (BackfillHarness h = new BackfillHarness("cap")) {
      h.execute(SETUP);
      PlanStep step = BackfillHarness.step("copy", COPY + "batchSize: 500\n");
      StepCall call = h.call(step);
      StepParts parts = h.steps.prepareParts(new PartsCall(call, StepAction.APPLY));
      h.steps.runPart(new PartCall(call, StepAction.APPLY, 0, parts.parts()));
      try (Connection replica = TestDatabase.connectAsReplica(h.target); Statement s = replica.createStatement()) {
        s.execute("UPDATE src SET v = -v WHERE id < 100");
        s.execute("DELETE FROM src WHERE id BETWEEN 101 AND 199");
        s.execute("INSERT INTO src VALUES (2, 2, 'replica')");
      }
      StepResult result = h.steps.apply(call);

      assertEquals(h.checksum(SOURCE), h.checksum("dst"), result.outcome());
      assertTrue(replayedBy(result) > 0, result.outcome());
      assertCaptureGone(h);
    }
  }

  @Test
  void partsRunOneAfterTheOtherStillEndExact() throws Exception {
    try (BackfillHarness h = new BackfillHarness("cap")) {
      h.execute(SETUP);
      PlanStep step = BackfillHarness.step("copy", COPY + "batchSize: 300\npauseBetween: 5ms\npartitions: 3\n");
      try (Writer writer = new Writer(h, "copy")) {
        await("some writes", () -> writer.writes.get() > 50);
        h.apply(step);
      }
      assertEquals(h.checksum(SOURCE), h.checksum("dst"));
      assertCaptureGone(h);
    }
  }

  @Test
  void terminatedConnectionsDuringBulkPassAndReplayKeepItExact() throws Exception {
    try (BackfillHarness h = new BackfillHarness("cap")) {
      h.execute(SETUP + "; CREATE TABLE slow (x int); INSERT INTO slow VALUES (1)");
      // the batch that copies row 4001 sleeps while table slow has a row: it is there to be caught
      PlanStep step = BackfillHarness.step("copy", "from: src\nkey: [id]\ninto: dst\n"
          + "columns: {id: id, v: v, note: '(SELECT note FROM pg_sleep(CASE WHEN id = 4001 AND EXISTS"
          + " (SELECT 1 FROM slow) THEN 60 ELSE 0 END))'}\nbatchSize: 400\n");
      AtomicReference<Object> outcome = new AtomicReference<>();
      try (Writer writer = new Writer(h, "copy");
          Connection admin = TestDatabase.server().getPostgresDatabase().getConnection();
          Statement s = admin.createStatement();
          Connection holder = TestDatabase.connect(h.target, "holder")) {
        Thread backfill = new Thread(() -> {
          try {
            outcome.set(h.apply(step));
          } catch (Throwable e) {
            outcome.set(e);
          }
        });
        backfill.start();
        await("the first batch", () -> BackfillStepTest.batches(h) >= 1);
        // a replay of key 1 will wait on this lock: long enough to drop its connection
        holder.setAutoCommit(false);
        try (Statement hold = holder.createStatement()) {
          hold.execute("SELECT * FROM dst WHERE id = 1 FOR UPDATE");
        }
        h.execute("UPDATE src SET v = -1 WHERE id = 1");
        await("a bulk batch caught and its connection dropped", () -> terminate(s, h, "insert into \"dst\"%") > 0);
        h.execute("DELETE FROM slow");
        await("a replay caught and its connection dropped", () -> terminate(s, h, "delete from \"dst\"%") > 0);
        assertEquals("replaying", h.text("SELECT state FROM cutover.backfill_checkpoint"));
        holder.commit();
        backfill.join();
      }
      assertTrue(outcome.get() instanceof StepResult, String.valueOf(outcome.get()));
      assertEquals(h.checksum(SOURCE), h.checksum("dst"));
      assertEquals(-1, h.count("SELECT v FROM dst WHERE id = 1"));
      assertCaptureGone(h);
    }
  }

  /** Terminates the target's active sessions running a statement like {@code like}; how many. */
  private static int terminate(Statement admin, BackfillHarness h, String like) throws SQLException {
    try (ResultSet rs = admin.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        + " WHERE state = 'active' AND datname = '" + database(h) + "' AND query ILIKE '" + like + "'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void aKilledPartRetriedMidBulkAndMidReplayEndsExact() throws Exception {
    try (BackfillHarness h = new BackfillHarness("cap")) {
      h.execute(SETUP);
      PlanStep step = BackfillHarness.step("copy", COPY + "batchSize: 200\npauseBetween: 10ms\n");
      StepCall call = h.call(step);
      try (Writer writer = new Writer(h, "copy"); Connection holder = TestDatabase.connect(h.target, "holder")) {
        assertEquals(1, h.steps.prepareParts(new PartsCall(call, StepAction.APPLY)).parts());
        killAfter(h, h.freshEnvironment(), call, () -> BackfillStepTest.batches(h) >= 5, null);
        assertEquals("running", h.text("SELECT state FROM cutover.backfill_checkpoint"));
        // the next attempt's replay waits on a row of key 1 until it is paused, then is lost as a worker is
        holder.setAutoCommit(false);
        try (Statement hold = holder.createStatement()) {
          hold.execute("SELECT * FROM dst WHERE id = 1 FOR UPDATE");
        }
        h.execute("UPDATE src SET v = -1 WHERE id = 1");
        killAfter(h, h.freshEnvironment(), call, () -> h.count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            + " AND query ILIKE 'delete from \"dst\"%'") > 0, holder);
        assertEquals("replaying", h.text("SELECT state FROM cutover.backfill_checkpoint"));
        StepActivities last = h.freshEnvironment().steps();
        last.runPart(new PartCall(call, StepAction.APPLY, 0, 1));
        StepResult result = last.apply(call);
        assertTrue(replayedBy(result) > 0, result.outcome());
      }
      assertEquals(h.checksum(SOURCE), h.checksum("dst"));
      assertEquals(-1, h.count("SELECT v FROM dst WHERE id = 1"));
      assertCaptureGone(h);
    }
  }

  /**
   * Runs the part until {@code when} holds, then ends its attempt as a lost worker's ends: held by a
   * pause (after {@code holder}, a lock the attempt waits on, commits), cancelled at a heartbeat.
   */
  private static void killAfter(BackfillHarness h, BackfillHarness.Environment attemptIn, StepCall call,
      BackfillStepTest.Check when, Connection holder) throws Exception {
    AtomicReference<Object> attempt = new AtomicReference<>();
    Thread part = new Thread(() -> {
      try {
        attempt.set(attemptIn.steps().runPart(new PartCall(call, StepAction.APPLY, 0, 1)));
      } catch (Throwable e) {
        attempt.set(e);
      }
    });
    part.start();
    await("the moment to kill the part", when);
    BackfillStepTest.event(h, "pause", null, "alice", null);
    if (holder != null) {
      holder.commit();
    }
    await("the part paused", () -> h.heartbeats.stream().anyMatch(b -> b.progress() != null
        && "paused".equals(b.progress().state())));
    attemptIn.env().requestCancelActivity();
    part.join();
    h.heartbeats.clear();
    BackfillStepTest.event(h, "resume", null, "alice", null);
    assertTrue(attempt.get() instanceof RuntimeException, String.valueOf(attempt.get()));
  }

  @Test
  void theCompensationRemovesTheCaptureAndEveryRowTheCopyWrote() throws Exception {
    try (BackfillHarness h = new BackfillHarness("cap")) {
      h.execute(SETUP);
      PlanStep step = BackfillHarness.step("copy", COPY + "batchSize: 300\npauseBetween: 5ms\n");
      StepCall call = h.call(step);
      try (Writer writer = new Writer(h, "copy")) {
        assertEquals(1, h.steps.prepareParts(new PartsCall(call, StepAction.APPLY)).parts());
        assertEquals(1, h.count("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'cutover_capture_%'"));
        killAfter(h, h.freshEnvironment(), call, () -> BackfillStepTest.batches(h) >= 5, null);
        h.compensate(step, h.otherSteps);
      }
      assertCaptureGone(h);
      assertEquals(0, h.count("SELECT count(*) FROM dst"));
      assertThrows(ActivityFailure.class, () -> h.steps.apply(call));
    }
  }

  @Test
  void aRollbackAfterTheStepRemovesTheReplayedRowsOutsideTheRangeToo() throws Exception {
    try (BackfillHarness h = new BackfillHarness("cap")) {
      h.execute(SETUP);
      PlanStep step = BackfillHarness.step("copy", COPY + "batchSize: 300\npauseBetween: 5ms\npartitions: 2\n");
      try (Writer writer = new Writer(h, "copy")) {
        await("some writes", () -> writer.writes.get() > 50);
        h.apply(step);
      }
      assertTrue(h.count("SELECT count(*) FROM dst WHERE id < 1 OR id > 8000") > 0, "replayed rows outside the range");
      h.compensate(step);
      assertEquals(0, h.count("SELECT count(*) FROM dst"));
      assertCaptureGone(h);
    }
  }

  @Test
  void anUpdateInPlaceUnderConcurrentWritesEndsWithEveryRowUpdated() throws Exception {
    try (BackfillHarness h = new BackfillHarness("cap")) {
      h.execute(SETUP.replace("note text);", "note text, doubled int);"));
      PlanStep step = BackfillHarness.step("fill", "from: src\nkey: [id]\nset: {doubled: v * 2}\nbatchSize: 300\n"
          + "pauseBetween: 5ms\ncompensate: UPDATE src SET doubled = NULL\n");
      StepResult result;
      try (Writer writer = new Writer(h, "fill")) {
        await("some writes", () -> writer.writes.get() > 50);
        result = h.apply(step);
      }
      assertEquals(0, h.count("SELECT count(*) FROM src WHERE doubled IS DISTINCT FROM v * 2"), result.outcome());
      assertTrue(replayedBy(result) > 0, result.outcome());
      assertCaptureGone(h);
    }
  }

  @Test
  void aQuerySourceIsCopiedWithoutCaptureAndTheOutcomeSaysSo() throws Exception {
    try (BackfillHarness h = new BackfillHarness("cap")) {
      h.execute(SETUP + "; CREATE VIEW src_view AS SELECT * FROM src; CREATE TABLE dst2 (LIKE dst)");
      StepResult result = h.apply(BackfillHarness.step("copy", "from: src_view\nkey: [id]\ninto: dst\n"
          + "columns: {id: id, v: v, note: note}\n"));
      assertTrue(result.outcome().contains("changes not captured: src_view is a view"), result.outcome());
      assertCaptureGone(h);

      StepResult fromQuery = h.apply(BackfillHarness.step("from-query", "query: SELECT id, v, note FROM src\nkey: [id]\n"
          + "into: dst2\ncolumns: {id: id, v: v, note: note}\n"));
      assertTrue(fromQuery.outcome().contains("changes not captured: a query: source is not captured"), fromQuery.outcome());

      PlanStep forced = BackfillHarness.step("forced", "from: src_view\nkey: [id]\ninto: dst\n"
          + "columns: {id: id, v: v, note: note}\ncapture: true\n");
      ActivityFailure failure = assertThrows(ActivityFailure.class,
          () -> h.steps.prepareParts(new PartsCall(h.call(forced), StepAction.APPLY)));
      String message = ((ApplicationFailure) failure.getCause()).getOriginalMessage();
      assertTrue(message.contains("capture: true, but src_view is a view"), message);
    }
  }

  @Test
  void anEmptySourceStillCapturesAndItsCompensationRemovesTheReplayedRows() throws Exception {
    try (BackfillHarness h = new BackfillHarness("cap")) {
      h.execute("CREATE TABLE src (id int PRIMARY KEY, v int, note text); CREATE TABLE dst (id int PRIMARY KEY, v int, note text)");
      PlanStep step = BackfillHarness.step("copy", COPY);
      StepCall call = h.call(step);
      assertEquals(1, h.steps.prepareParts(new PartsCall(call, StepAction.APPLY)).parts());
      h.execute("INSERT INTO src VALUES (1, 1, 'a'), (2, 2, 'b'); UPDATE src SET v = 5 WHERE id = 1");
      h.steps.runPart(new PartCall(call, StepAction.APPLY, 0, 1));
      StepResult result = h.steps.apply(call);

      assertEquals(h.checksum(SOURCE), h.checksum("dst"));
      assertTrue(result.outcome().startsWith("nothing to copy: src had no rows; replayed 3 captured changes"),
          result.outcome());
      assertCaptureGone(h);
      h.compensate(step);
      assertEquals(0, h.count("SELECT count(*) FROM dst"));
    }
  }

  @Test
  void captureTrueOnAQuerySourceIsAPlanProblem() {
    IllegalArgumentException problem = assertThrows(IllegalArgumentException.class, () -> BackfillHarness.step("copy",
        "query: SELECT id, v FROM src\nkey: [id]\ninto: dst\ncolumns: {id: id, v: v}\ncapture: true\n"));
    assertTrue(problem.getMessage().contains("capture: true needs a from: table"), problem.getMessage());
  }

  @Test
  void anUpdateInPlaceThatReadsTheColumnItSetsIsNotCapturedAndSaysWhy() throws Exception {
    try (BackfillHarness h = new BackfillHarness("cap")) {
      h.execute(SETUP);
      StepResult result = h.apply(BackfillHarness.step("bump", "from: src\nkey: [id]\nset: {v: v + 1}\n"
          + "compensate: UPDATE src SET v = v - 1\n"));
      assertTrue(result.outcome().contains("changes not captured: set: v: v + 1 reads the column it sets"), result.outcome());
      assertEquals(0, h.count("SELECT count(*) FROM src WHERE v <> id + 1"));
      assertCaptureGone(h);
    }
    IllegalArgumentException problem = assertThrows(IllegalArgumentException.class, () -> BackfillHarness.step("bump",
        "from: src\nkey: [id]\nset: {v: v + 1}\ncapture: true\n"));
    assertTrue(problem.getMessage().contains("reads the column it sets"), problem.getMessage());
  }

  @Test
  void abandoningARunWhoseBackfillWasCutShortRemovesItsCapture() throws Exception {
    try (BackfillHarness h = new BackfillHarness("cap")) {
      h.execute(SETUP);
      PlanStep step = BackfillHarness.step("copy", COPY + "batchSize: 300\n");
      assertEquals(1, h.steps.prepareParts(new PartsCall(h.call(step), StepAction.APPLY)).parts());
      assertEquals(1, h.count("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'cutover_capture_%'"));
      // as if the prepare had installed the capture (its own transaction) and died before it recorded the parts
      h.execute("DELETE FROM cutover.backfill_checkpoint");

      AbandonedRun abandoned = h.ledger.abandonRun(new AbandonRun(null, BackfillHarness.RUN, "carol", "its worker is gone", "q1"));
      assertEquals(java.util.List.of("removed the change capture of step copy on public.src"), abandoned.cleanedUp());
      assertCaptureGone(h);
      h.execute("INSERT INTO src VALUES (100001, 1, 'after')");
      assertEquals(java.util.List.of(), h.ledger.abandonRun(
          new AbandonRun(null, BackfillHarness.RUN, "carol", "its worker is gone", "q1")).cleanedUp());
    }
  }
}
