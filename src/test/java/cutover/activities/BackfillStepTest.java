package cutover.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.plan.PlanStep;
import cutover.testing.TestDatabase;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Backfills against a real PostgreSQL: every row exactly once, resumable, controllable, undoable. */
class BackfillStepTest {

  /** A source, a backfill of it into {@code dst}, and the same copy done by one statement into {@code ref}. */
  record Case(String name, String setup, String fields, String reference) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final String ROWS = "CREATE TABLE src (id int PRIMARY KEY, name text, amount numeric(12,2), meta jsonb);"
      + "INSERT INTO src SELECT g, CASE WHEN g % 5 = 0 THEN NULL ELSE 'name ' || g END, g / 7.0,"
      + " CASE WHEN g % 3 = 0 THEN NULL ELSE jsonb_build_object('g', g, 'odd', g % 2 = 1) END"
      + " FROM generate_series(1, 5000) g WHERE g % 7 <> 0 AND g NOT BETWEEN 1200 AND 1900;"
      + "CREATE TABLE dst (id int, name text, amount numeric(12,2), meta jsonb); CREATE TABLE ref (LIKE dst);";
  static final String SPARSE = "CREATE TABLE src (id bigint PRIMARY KEY, v int);"
      + "INSERT INTO src SELECT g, g FROM generate_series(-500, 2000) g;"
      + "INSERT INTO src SELECT g * 100000, g FROM generate_series(1, 50) g;"
      + "INSERT INTO src SELECT 5000000000 + g, g FROM generate_series(1, 3000) g;"
      + "INSERT INTO src VALUES (9223372036854775807, 0);"
      + "CREATE TABLE dst (id bigint, v int); CREATE TABLE ref (LIKE dst);";
  static final String COPY_ROWS = "columns: {id: id, name: name, amount: amount * 2, meta: meta}\n";
  static final String REF_ROWS = "INSERT INTO ref SELECT id, name, amount * 2, meta FROM src";

  static Stream<Case> cases() {
    return Stream.of(
        new Case("int key with gaps and NULLs in copied columns, fixed small batches", ROWS,
            "from: src\nkey: [id]\ninto: dst\n" + COPY_ROWS + "batchSize: 250\n", REF_ROWS),
        new Case("int key, 3 partitions, adaptive batches", ROWS,
            "from: src\nkey: id\ninto: dst\n" + COPY_ROWS + "partitions: 3\n", REF_ROWS),
        new Case("a where filter and an expression using the jsonb ? operator", ROWS,
            "from: src\nkey: [id]\nwhere: meta ? 'odd' AND id > 100\ninto: dst\n"
                + "columns: {id: id, name: upper(name), amount: amount, meta: meta - 'g'}\nbatchSize: 300\n",
            "INSERT INTO ref SELECT id, upper(name), amount, meta - 'g' FROM src WHERE meta ? 'odd' AND id > 100"),
        new Case("composite key (tenant, id) with repeated tenants",
            "CREATE TABLE src (tenant int, id bigint, v text, PRIMARY KEY (tenant, id));"
                + "INSERT INTO src SELECT g % 4, g, CASE WHEN g % 9 = 0 THEN NULL ELSE md5(g::text) END"
                + " FROM generate_series(1, 3000) g;"
                + "CREATE TABLE dst (tenant int, id bigint, v text); CREATE TABLE ref (LIKE dst);",
            "from: src\nkey: [tenant, id]\ninto: dst\ncolumns: {tenant: tenant, id: id, v: v}\nbatchSize: 170\n"
                + "partitions: 2\n",
            "INSERT INTO ref SELECT tenant, id, v FROM src"),
        new Case("text key in collation order, 2 partitions",
            "CREATE TABLE src (code text PRIMARY KEY, n int);"
                + "INSERT INTO src SELECT md5(g::text) || (ARRAY['', 'Ä', 'a', 'Z', ' x', 'é'])[g % 6 + 1], g"
                + " FROM generate_series(1, 4000) g;"
                + "INSERT INTO src VALUES ('Äpfel', 1), ('apple', 2), ('Apple', 3), ('zebra', 4), ('Zebra', 5), ('', 6);"
                + "CREATE TABLE dst (code text, n int); CREATE TABLE ref (LIKE dst);",
            "from: src\nkey: [code]\ninto: dst\ncolumns: {code: code, n: n}\nbatchSize: 333\npartitions: 2\n",
            "INSERT INTO ref SELECT code, n FROM src"),
        new Case("uuid key, 3 partitions",
            "CREATE TABLE src (id uuid PRIMARY KEY, n int);"
                + "INSERT INTO src SELECT md5('u' || g)::uuid, g FROM generate_series(1, 4000) g;"
                + "CREATE TABLE dst (id uuid, n int); CREATE TABLE ref (LIKE dst);",
            "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id, n: n + 1}\nbatchSize: 250\npartitions: 3\n",
            "INSERT INTO ref SELECT id, n + 1 FROM src"),
        new Case("composite key of two uuids (one type)",
            "CREATE TABLE src (tenant uuid, id uuid, n int, PRIMARY KEY (tenant, id));"
                + "INSERT INTO src SELECT md5('t' || (g % 3))::uuid, md5('c' || g)::uuid, g FROM generate_series(1, 3000) g;"
                + "CREATE TABLE dst (tenant uuid, id uuid, n int); CREATE TABLE ref (LIKE dst);",
            "from: src\nkey: [tenant, id]\ninto: dst\ncolumns: {tenant: tenant, id: id, n: n}\nbatchSize: 200\n",
            "INSERT INTO ref SELECT tenant, id, n FROM src"),
        new Case("composite key of text and timestamptz (mixed types)",
            "CREATE TABLE src (region text, at timestamptz, n int, PRIMARY KEY (region, at));"
                + "INSERT INTO src SELECT (ARRAY['eu', 'us', 'ap'])[g % 3 + 1],"
                + " timestamptz '2024-01-01 00:00:00.123456+00' + g * interval '1.5 seconds', g"
                + " FROM generate_series(1, 3000) g;"
                + "CREATE TABLE dst (region text, at timestamptz, n int); CREATE TABLE ref (LIKE dst);",
            "from: src\nkey: [region, at]\ninto: dst\ncolumns: {region: region, at: at, n: n}\nbatchSize: 150\n"
                + "partitions: 2\n",
            "INSERT INTO ref SELECT region, at, n FROM src"),
        new Case("a query source",
            ROWS + "CREATE TABLE tags (k int PRIMARY KEY, label text); INSERT INTO tags VALUES (0, 'zero'), (1, 'one');",
            "query: SELECT s.id, s.name, s.amount, t.label FROM src s JOIN tags t ON t.k = s.id % 3\nkey: [id]\n"
                + "where: amount > 10\ninto: dst\ncolumns: {id: id, name: label, amount: amount, meta: NULL}\n"
                + "batchSize: 400\npartitions: 2\n",
            "INSERT INTO ref SELECT s.id, t.label, s.amount, NULL FROM src s JOIN tags t ON t.k = s.id % 3"
                + " WHERE s.amount > 10"),
        new Case("a non-unique integer key: every range takes whole groups",
            "CREATE TABLE src (grp int, v text); INSERT INTO src SELECT g % 37, md5(g::text) FROM generate_series(1, 3000) g;"
                + "CREATE TABLE dst (grp int, v text); CREATE TABLE ref (LIKE dst);",
            "from: src\nkey: [grp]\ninto: dst\ncolumns: {grp: grp, v: v}\nbatchSize: 100\n",
            "INSERT INTO ref SELECT grp, v FROM src"),
        new Case("a unique bigint key, dense then sparse then dense far away (batches by value and by bound)",
            SPARSE, "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id, v: v}\nbatchSize: 300\n",
            "INSERT INTO ref SELECT id, v FROM src"),
        new Case("the same, adaptive, 2 partitions", SPARSE,
            "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id, v: v}\npartitions: 2\n",
            "INSERT INTO ref SELECT id, v FROM src"),
        new Case("an empty source",
            "CREATE TABLE src (id int PRIMARY KEY, v text); CREATE TABLE dst (id int, v text); CREATE TABLE ref (LIKE dst);",
            "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id, v: v}\npartitions: 3\n", "SELECT 1"),
        new Case("one row",
            "CREATE TABLE src (id int PRIMARY KEY, v text); INSERT INTO src VALUES (42, NULL);"
                + "CREATE TABLE dst (id int, v text); CREATE TABLE ref (LIKE dst);",
            "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id, v: v}\npartitions: 3\n",
            "INSERT INTO ref SELECT id, v FROM src"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void copiesEveryRowExactlyOnce(Case c) throws Exception {
    try (BackfillHarness h = new BackfillHarness("bf")) {
      h.execute(c.setup());
      h.execute(c.reference());
      PlanStep step = BackfillHarness.step("copy", c.fields());

      StepResult result = h.apply(step);

      assertEquals(h.checksum("ref"), h.checksum("dst"), c.name());
      assertEquals(h.count("SELECT count(*) FROM ref"), result.rows());
      assertFalse(result.recorded());
      StepResult again = h.apply(step);
      assertTrue(again.recorded());
      assertEquals(h.checksum("ref"), h.checksum("dst"));
      assertEquals(1, h.count("SELECT count(*) FROM cutover.step WHERE step_id = 'copy' AND action = 'apply'"));
    }
  }

  @Test
  void partsRunInParallelEachFromItsOwnCheckpoint() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bf")) {
      h.execute(ROWS);
      h.execute(REF_ROWS);
      PlanStep step = BackfillHarness.step("copy", "from: src\nkey: [id]\ninto: dst\n" + COPY_ROWS
          + "batchSize: 200\npartitions: 4\n");

      StepResult result = h.applyInParallel(step);

      assertEquals(h.checksum("ref"), h.checksum("dst"));
      assertTrue(result.outcome().contains("in 4 parts"), result.outcome());
      assertEquals(4, h.count("SELECT count(*) FROM cutover.backfill_checkpoint WHERE state = 'done'"));
    }
  }

  @Test
  void updatesInPlaceEveryRowExactlyOnce() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bf")) {
      h.execute("CREATE TABLE src (tenant int, id int, name text, total bigint, n int, PRIMARY KEY (tenant, id));"
          + "INSERT INTO src SELECT g % 3, g, CASE WHEN g % 4 = 0 THEN NULL ELSE 'n' || g END, NULL, 0"
          + " FROM generate_series(1, 4000) g;"
          + "CREATE TABLE ref AS SELECT * FROM src;"
          + "UPDATE ref SET total = id * 10 + tenant, n = n + 1, name = coalesce(name, 'none') WHERE id % 10 <> 3");
      PlanStep step = BackfillHarness.step("fill", "from: src\nkey: [tenant, id]\nwhere: id % 10 <> 3\n"
          + "set: {total: id * 10 + tenant, n: n + 1, name: \"coalesce(name, 'none')\"}\nbatchSize: 150\npartitions: 2\n"
          + "compensate: UPDATE src SET total = NULL\n");

      StepResult result = h.apply(step);

      assertEquals(h.checksum("ref"), h.checksum("src"));
      assertEquals(h.count("SELECT count(*) FROM src WHERE id % 10 <> 3"), result.rows());
      assertTrue(result.outcome().startsWith("updated"), result.outcome());
    }
  }

  @Test
  void withoutCaptureRowsWrittenDuringTheBackfillFollowTheFixedBoundAndASecondPassCatchesUp() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bf")) {
      h.execute("CREATE TABLE src (id int PRIMARY KEY, name text);"
          + "INSERT INTO src SELECT g, 'v1' FROM generate_series(2, 20000, 2) g;"
          + "CREATE TABLE dst (id int PRIMARY KEY, name text)");
      PlanStep first = BackfillHarness.step("copy", "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id, name: name}\n"
          + "batchSize: 200\npauseBetween: 10ms\ncapture: false\n");
      AtomicReference<StepResult> done = new AtomicReference<>();
      Thread backfill = new Thread(() -> done.set(h.apply(first)));
      backfill.start();
      await("half the rows copied", () -> h.count("SELECT coalesce(sum(rows_done), 0) FROM cutover.backfill_checkpoint")
          >= 5000);
      long lastCopied = Long.parseLong(h.text("SELECT (last_key::jsonb ->> 0) FROM cutover.backfill_checkpoint"));
      try (Connection app = TestDatabase.connect(h.target, "application"); Statement s = app.createStatement()) {
        s.execute("INSERT INTO src SELECT g, 'new above the bound' FROM generate_series(20001, 20100) g");
        s.execute("UPDATE src SET name = 'v2' WHERE id <= 1000");
        s.execute("INSERT INTO src VALUES (19999, 'new inside the range, not copied yet')");
      }
      backfill.join();
      assertTrue(lastCopied < 19999);

      assertEquals(0, h.count("SELECT count(*) FROM dst WHERE id > 20000"), "rows above the bound are not chased");
      assertEquals(500, h.count("SELECT count(*) FROM dst WHERE id <= 1000 AND name = 'v1'"),
          "rows updated after their batch keep the copied value");
      assertEquals(1, h.count("SELECT count(*) FROM dst WHERE id = 19999"), "a new key ahead of the copy is copied");
      assertEquals(10001, done.get().rows());

      PlanStep second = BackfillHarness.step("catch-up", "from: src\nkey: [id]\ninto: dst\n"
          + "columns: {id: id, name: name}\nonConflict: update\nconflictColumns: [id]\n");
      h.apply(second);
      h.execute("CREATE TABLE ref AS SELECT id, name FROM src");
      assertEquals(h.checksum("ref"), h.checksum("dst"));
    }
  }

  @Test
  void aConnectionTerminatedMidBatchIsRetriedAndTheResultIsExact() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bf")) {
      h.execute(ROWS);
      h.execute(REF_ROWS);
      // each row sleeps 1 ms, so a batch of 250 takes over 250 ms: long enough to be caught running, twice
      PlanStep step = BackfillHarness.step("copy", "from: src\nkey: [id]\ninto: dst\n"
          + "columns: {id: id, name: (SELECT name FROM pg_sleep(0.001)), amount: amount * 2, meta: meta}\n"
          + "batchSize: 250\n");
      AtomicReference<Object> outcome = new AtomicReference<>();
      Thread backfill = new Thread(() -> {
        try {
          outcome.set(h.apply(step));
        } catch (Throwable e) {
          outcome.set(e);
        }
      });
      backfill.start();
      int terminated = 0;
      try (Connection admin = TestDatabase.server().getPostgresDatabase().getConnection();
          Statement s = admin.createStatement()) {
        long deadline = System.currentTimeMillis() + 20_000;
        while (terminated < 2 && System.currentTimeMillis() < deadline) {
          var rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
              + " WHERE state = 'active' AND datname = '" + database(h) + "' AND query ILIKE 'insert into \"dst\"%'");
          rs.next();
          int now = rs.getInt(1);
          terminated += now;
          Thread.sleep(now > 0 ? 300 : 5);
        }
      }
      backfill.join();

      assertEquals(2, terminated, "the test should have caught two batches running");
      assertTrue(outcome.get() instanceof StepResult, String.valueOf(outcome.get()));
      assertEquals(h.checksum("ref"), h.checksum("dst"));
    }
  }

  @Test
  void pauseTuneAndResumeTakeEffectWithinOneBatch() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bf")) {
      h.execute("CREATE TABLE src (id int PRIMARY KEY); INSERT INTO src SELECT generate_series(1, 20000);"
          + "CREATE TABLE dst (id int)");
      PlanStep step = BackfillHarness.step("copy", "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id}\n"
          + "batchSize: 100\npauseBetween: 20ms\n");
      AtomicReference<StepResult> done = new AtomicReference<>();
      Thread backfill = new Thread(() -> done.set(h.apply(step)));
      backfill.start();
      await("some batches", () -> batches(h) >= 5);

      event(h, "pause", null, "alice", null);
      long atPause = batches(h);
      await("a heartbeat that says who paused it", () -> h.heartbeats.stream().anyMatch(b -> b.progress() != null
          && "paused".equals(b.progress().state()) && b.progress().note().contains("alice")));
      Thread.sleep(500);
      long whilePaused = batches(h);
      assertTrue(whilePaused <= atPause + 1, "batches went on while paused: " + atPause + " -> " + whilePaused);

      tune(h, "bob", 700, null, null);
      event(h, "resume", null, "alice", null);
      await("batches again", () -> batches(h) > whilePaused);
      String[] before = h.text("SELECT rows_done || ',' || batches FROM cutover.backfill_checkpoint").split(",");
      await("two more batches", () -> batches(h) >= Long.parseLong(before[1]) + 2);
      String[] after = h.text("SELECT rows_done || ',' || batches FROM cutover.backfill_checkpoint").split(",");
      assertEquals(700 * (Long.parseLong(after[1]) - Long.parseLong(before[1])),
          Long.parseLong(after[0]) - Long.parseLong(before[0]), "every batch after the tune holds 700 rows");

      tune(h, "bob", 5000, null, null);
      backfill.join();
      assertEquals(20000, done.get().rows());
      assertEquals(20000, h.count("SELECT count(DISTINCT id) FROM dst"));
      assertEquals(20000, h.count("SELECT count(*) FROM dst"));
    }
  }

  @Test
  void aTuneChangesOnlyWhatItNamesAndItsReasonIsNeverReadAsAValue() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bf")) {
      h.execute("CREATE TABLE src (id int PRIMARY KEY); INSERT INTO src SELECT generate_series(1, 20000);"
          + "CREATE TABLE dst (id int)");
      PlanStep step = BackfillHarness.step("copy", "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id}\n"
          + "batchSize: 100\npauseBetween: 20ms\n");
      AtomicReference<StepResult> done = new AtomicReference<>();
      Thread backfill = new Thread(() -> done.set(h.apply(step)));
      backfill.start();
      await("some batches", () -> batches(h) >= 3);
      event(h, "pause", null, "alice", null);
      await("the part paused", () -> h.heartbeats.stream().anyMatch(b -> b.progress() != null
          && "paused".equals(b.progress().state())));

      tune(h, "bob", 700, null, null);
      tune(h, "carol", null, 5_000L, "batchSize=1 was far too slow");
      assertEquals("700 5000 carol",
          h.text("SELECT batch_size || ' ' || rate || ' ' || tuned_by FROM cutover.backfill_tuning"));
      long whilePaused = batches(h);
      event(h, "resume", null, "alice", null);
      await("batches again", () -> batches(h) > whilePaused);
      assertBatchesHold(h, 700);
      await("a heartbeat with the tuned rate", () -> h.heartbeats.stream().anyMatch(b -> b.progress() != null
          && String.valueOf(b.progress().note()).contains("rate cap 5,000 rows/s (tuned by carol)")
          && b.progress().batchSize() == 700));

      tune(h, "bob", 5000, 0L, null); // 0: no cap
      backfill.join();
      assertEquals(20000, done.get().rows());
      assertEquals(20000, h.count("SELECT count(DISTINCT id) FROM dst"));
    }
  }

  @Test
  void aTunedBatchSizeAndRateSurviveARetryOfThePart() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bf")) {
      h.execute("CREATE TABLE src (id int PRIMARY KEY); INSERT INTO src SELECT generate_series(1, 20000);"
          + "CREATE TABLE dst (id int)");
      PlanStep step = BackfillHarness.step("copy", "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id}\n"
          + "batchSize: 100\npauseBetween: 20ms\n");
      StepCall call = h.call(step);
      assertEquals(1, h.steps.prepareParts(new PartsCall(call, StepAction.APPLY)).parts());
      AtomicReference<Object> firstAttempt = new AtomicReference<>();
      Thread part = new Thread(() -> {
        try {
          firstAttempt.set(h.steps.runPart(new PartCall(call, StepAction.APPLY, 0, 1)));
        } catch (Throwable e) {
          firstAttempt.set(e);
        }
      });
      part.start();
      await("some batches", () -> batches(h) >= 3);
      tune(h, "bob", 700, null, null);
      tune(h, "carol", null, 7_000L, null);
      // held by a pause until its cancellation (seen at its next heartbeat) ends the attempt, as when its worker is lost
      event(h, "pause", null, "alice", null);
      h.env.requestCancelActivity();
      part.join();
      assertTrue(firstAttempt.get() instanceof RuntimeException, String.valueOf(firstAttempt.get()));
      assertTrue(batches(h) < 100, "the first attempt should not have finished the part");
      event(h, "resume", null, "alice", null);

      // the retry starts with the plan's batch size in memory and finds the tuning in the ledger
      List<StepHeartbeat> retryBeats = new java.util.concurrent.CopyOnWriteArrayList<>();
      h.otherEnv.setActivityHeartbeatListener(StepHeartbeat.class, retryBeats::add);
      String[] before = h.text("SELECT rows_done || ',' || batches FROM cutover.backfill_checkpoint").split(",");
      AtomicReference<Throwable> retryFailure = new AtomicReference<>();
      Thread retry = new Thread(() -> {
        try {
          h.otherSteps.runPart(new PartCall(call, StepAction.APPLY, 0, 1));
        } catch (Throwable e) {
          retryFailure.set(e);
        }
      });
      long retryStarted = System.nanoTime();
      retry.start();
      await("two batches of the retry", () -> batches(h) >= Long.parseLong(before[1]) + 2);
      String[] after = h.text("SELECT rows_done || ',' || batches FROM cutover.backfill_checkpoint").split(",");
      long retryBatches = Long.parseLong(after[1]) - Long.parseLong(before[1]);
      assertEquals(700 * retryBatches, Long.parseLong(after[0]) - Long.parseLong(before[0]),
          "every batch of the retry holds the tuned 700 rows");
      retry.join();
      long retryMillis = (System.nanoTime() - retryStarted) / 1_000_000;
      assertEquals(null, retryFailure.get());
      long retryRows = 20000 - Long.parseLong(before[0]);
      assertTrue(retryMillis >= (retryRows - 700) * 1000 / 7000,
          "the retry copied " + retryRows + " rows in " + retryMillis + " ms: faster than the tuned 7,000 rows/s");
      assertTrue(retryBeats.stream().anyMatch(b -> b.progress() != null && b.progress().batchSize() == 700
          && String.valueOf(b.progress().note()).contains("rate cap 7,000 rows/s (tuned by carol)")), retryBeats.toString());
      assertTrue(h.otherSteps.apply(call).rows() == 20000);
      assertEquals(20000, h.count("SELECT count(DISTINCT id) FROM dst"));
      assertEquals(20000, h.count("SELECT count(*) FROM dst"));
    }
  }

  /** The batches committed while this waits for two more all hold {@code rows} rows. */
  static void assertBatchesHold(BackfillHarness h, long rows) throws Exception {
    String[] before = h.text("SELECT rows_done || ',' || batches FROM cutover.backfill_checkpoint").split(",");
    await("two more batches", () -> batches(h) >= Long.parseLong(before[1]) + 2);
    String[] after = h.text("SELECT rows_done || ',' || batches FROM cutover.backfill_checkpoint").split(",");
    assertEquals(rows * (Long.parseLong(after[1]) - Long.parseLong(before[1])),
        Long.parseLong(after[0]) - Long.parseLong(before[0]), "every batch after the tune holds " + rows + " rows");
  }

  @Test
  void backsOffWhileAnotherSessionWaitsOnALockOfATouchedTable() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bf")) {
      h.execute("CREATE TABLE src (id int PRIMARY KEY, v int); INSERT INTO src SELECT g, g FROM generate_series(1, 20000) g;"
          + "CREATE TABLE dst (id int, v int)");
      PlanStep step = BackfillHarness.step("copy", "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id, v: v}\n"
          + "batchSize: 100\npauseBetween: 20ms\nmaxLockWait: 200ms\n");
      AtomicReference<StepResult> done = new AtomicReference<>();
      Thread backfill = new Thread(() -> done.set(h.apply(step)));
      backfill.start();
      await("some batches", () -> batches(h) >= 3);
      try (Connection holder = TestDatabase.connect(h.target, "holder");
          Connection waiter = TestDatabase.connect(h.target, "waiter")) {
        holder.setAutoCommit(false);
        try (Statement s = holder.createStatement()) {
          s.execute("SELECT * FROM src WHERE id = 20000 FOR UPDATE");
        }
        Thread blocked = new Thread(() -> {
          try (Statement s = waiter.createStatement()) {
            s.execute("UPDATE src SET v = -1 WHERE id = 20000");
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
          }
        });
        blocked.start();
        await("a heartbeat that says why it backs off", () -> h.heartbeats.stream().anyMatch(b -> b.progress() != null
            && "throttled".equals(b.progress().state()) && b.progress().note().contains("waited")));
        long during = batches(h);
        Thread.sleep(1000);
        assertTrue(batches(h) <= during + 1, "batches went on while a session waited: " + during + " -> " + batches(h));
        holder.commit();
        blocked.join();
      }
      backfill.join();
      assertEquals(20000, done.get().rows());
    }
  }

  @Test
  void compensationRemovesExactlyWhatWasCopied() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bf")) {
      h.execute(ROWS.replace("CREATE TABLE dst (id int,", "CREATE TABLE dst (id int PRIMARY KEY,"));
      // rows the application wrote into the new table, outside the copied range: they stay
      h.execute("INSERT INTO dst VALUES (100000, 'app', 1, NULL), (100001, 'app', 2, NULL)");
      String before = h.checksum("dst");
      PlanStep step = BackfillHarness.step("copy", "from: src\nkey: [id]\ninto: dst\n" + COPY_ROWS
          + "batchSize: 300\npartitions: 3\n");

      h.apply(step);
      assertEquals(h.count("SELECT count(*) FROM src") + 2, h.count("SELECT count(*) FROM dst"));
      StepResult undone = h.compensate(step);

      assertEquals(before, h.checksum("dst"));
      assertEquals(h.count("SELECT count(*) FROM src"), undone.rows());
      assertTrue(undone.outcome().startsWith("removed"), undone.outcome());
      assertTrue(h.compensate(step).recorded());
    }
  }

  @Test
  void compensatingAPartlyDoneCopyStopsItAndRemovesWhatItCopied() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bf")) {
      h.execute("CREATE TABLE src (id int PRIMARY KEY); INSERT INTO src SELECT generate_series(1, 50000);"
          + "CREATE TABLE dst (id int PRIMARY KEY); INSERT INTO dst VALUES (-1), (60000)");
      PlanStep step = BackfillHarness.step("copy", "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id}\n"
          + "batchSize: 100\npauseBetween: 5ms\n");
      StepCall call = h.call(step);
      assertEquals(1, h.steps.prepareParts(new PartsCall(call, StepAction.APPLY)).parts());
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread part = new Thread(() -> {
        try {
          h.steps.runPart(new PartCall(call, StepAction.APPLY, 0, 1));
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      part.start();
      await("some batches", () -> batches(h) >= 10);

      StepResult undone = h.compensate(step, h.otherSteps);
      part.join();

      ApplicationFailure stopped = (ApplicationFailure) failure.get().getCause();
      assertEquals("StepStopped", stopped.getType());
      assertEquals(2, h.count("SELECT count(*) FROM dst"), "only the rows that were not copied remain");
      assertTrue(undone.rows() >= 1000, undone.outcome());
      assertThrows(ActivityFailure.class, () -> h.steps.apply(call));
    }
  }

  @Test
  void aCompensationGivenAsSqlRunsInsteadOfTheDefault() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bf")) {
      h.execute("CREATE TABLE src (id int PRIMARY KEY); INSERT INTO src SELECT generate_series(1, 100);"
          + "CREATE TABLE dst (id int)");
      PlanStep step = BackfillHarness.step("copy", "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id * 2}\n"
          + "compensate: DELETE FROM dst WHERE id % 4 = 0\n");
      h.apply(step);
      StepResult undone = h.compensate(step);
      assertEquals(50, undone.rows());
      assertEquals(50, h.count("SELECT count(*) FROM dst"));
    }
  }

  @Test
  void aNullKeyIsRefusedBeforeAnythingIsCopied() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bf")) {
      h.execute("CREATE TABLE src (a int, b int); INSERT INTO src VALUES (1, 1), (2, NULL); CREATE TABLE dst (a int, b int)");
      PlanStep step = BackfillHarness.step("copy", "from: src\nkey: [a, b]\ninto: dst\ncolumns: {a: a, b: b}\n");
      ActivityFailure failure = assertThrows(ActivityFailure.class,
          () -> h.steps.prepareParts(new PartsCall(h.call(step), StepAction.APPLY)));
      String message = ((ApplicationFailure) failure.getCause()).getOriginalMessage();
      assertTrue(message.contains("key column b is NULL in some rows of src"), message);
      assertEquals(0, h.count("SELECT count(*) FROM dst"));
    }
  }

  @Test
  void heartbeatsCarryProgressAndNothingSecret() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bf")) {
      h.execute(ROWS);
      // ~42 batches 80 ms apart: long enough for a few heartbeats (the SDK sends one every 0.8 x timeout)
      PlanStep step = BackfillHarness.step("copy", "from: src\nkey: [id]\ninto: dst\n" + COPY_ROWS
          + "batchSize: 100\npauseBetween: 80ms\n");
      h.apply(step);
      List<StepProgress> progress = h.heartbeats.stream().map(StepHeartbeat::progress)
          .filter(java.util.Objects::nonNull).toList();
      assertFalse(progress.isEmpty());
      StepProgress some = progress.get(progress.size() - 1);
      assertEquals("copy", some.stepId());
      assertNotNull(some.rowsEstimate());
      assertTrue(some.rowsDone() > 0);
      for (StepHeartbeat beat : h.heartbeats) {
        String text = beat.toString();
        assertFalse(text.contains(TestDatabase.password()), text);
        assertFalse(text.contains(h.target.jdbcUrl()), text);
        assertFalse(text.contains("name 4"), "no row data in heartbeats: " + text + " in " + beat);
      }
    }
  }

  static void event(BackfillHarness h, String kind, String stepId, String actor, String detail) {
    h.otherLedger.recordEvent(new RunEvent(h.target.name(), BackfillHarness.RUN, kind + ":" + System.nanoTime(), kind,
        stepId, actor, detail));
  }

  /** Records a tune of step copy as the workflow does: its event (with the reason) and its values. */
  static void tune(BackfillHarness h, String by, Integer batchSize, Long rate, String reason) {
    String values = TuneRecord.describe(batchSize, rate);
    h.otherLedger.recordTune(new TuneRecord(new RunEvent(h.target.name(), BackfillHarness.RUN,
        "tune:" + System.nanoTime(), RunEventKind.TUNE.word(), "copy", by, reason == null ? values : values + "; " + reason),
        batchSize, rate));
  }

  static String database(BackfillHarness h) {
    String url = h.target.jdbcUrl();
    return url.substring(url.lastIndexOf('/') + 1);
  }

  static long batches(BackfillHarness h) {
    try {
      return h.count("SELECT coalesce(sum(batches), 0) FROM cutover.backfill_checkpoint WHERE action = 'apply'");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static void await(String what, Check condition) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!condition.get()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  interface Check {
    boolean get() throws Exception;
  }
}
