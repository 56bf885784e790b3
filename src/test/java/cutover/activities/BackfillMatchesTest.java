package cutover.activities;

import static cutover.activities.BackfillWalksTest.TRIP;
import static cutover.activities.BackfillWalksTest.applyWithOneRetry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.plan.PlanStep;
import io.temporal.failure.ActivityFailure;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * The match walk: a filtered copy from a table, its filter evaluated once into a list of the
 * matching rows, against one {@code INSERT ... SELECT} by checksum, across a retry in the middle,
 * in partitions and under concurrent writes; the list is gone after the step, its compensation
 * and a rollback.
 */
class BackfillMatchesTest {
  /** The template lines: 10% of the contracts are templates, random uuid composite key. */
  static final BackfillWalksTest.Shape LINES = BackfillWalksTest.SHAPES.get(4);
  static final String INT_SETUP = "CREATE TABLE flags (k int PRIMARY KEY, on_ boolean);"
      + "INSERT INTO flags SELECT g, g % 8 = 0 FROM generate_series(0, 99) g;"
      + "CREATE TABLE src (id int PRIMARY KEY, k int, n int);"
      + "INSERT INTO src SELECT g, (g * 37) % 100, g FROM generate_series(1, 6000) g WHERE g % 11 <> 0;"
      + "CREATE TABLE dst (id int, k int, n int); CREATE TABLE ref (LIKE dst); CREATE TABLE retried (x int);";
  static final String INT_FILTER = "EXISTS (SELECT 1 FROM flags f WHERE f.k = src.k AND f.on_)";
  static final String INT_COPY = "from: src\nkey: [id]\nwhere: " + INT_FILTER + "\ninto: dst\n"
      + "columns: {id: id, k: k, n: n + {trip}}\nbatchSize: 100\n";

  static void assertListGone(BackfillHarness h) throws SQLException {
    assertEquals(0, h.count("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = 'cutover' AND c.relname LIKE 'matches_%'"), "match list");
  }

  @Test
  void aSelectiveFilterOnAUuidKeyIsCopiedFromItsMatchesExactlyOnceAcrossARetry() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bm")) {
      h.execute(LINES.setup() + "CREATE TABLE retried (x int); ANALYZE");
      h.execute(LINES.reference());
      long rows = h.count("SELECT count(*) FROM ref");
      PlanStep step = BackfillHarness.step("copy", LINES.fields().replace("{trip}", String.format(TRIP, "dst", rows / 2))
          + "batchSize: 100\n");

      StepResult result = applyWithOneRetry(h, step);

      assertEquals(h.checksum("ref"), h.checksum("dst"));
      assertEquals(rows, result.rows());
      assertTrue(result.outcome().contains("walk: matches (the filter passes ~"), result.outcome());
      assertListGone(h);
      BackfillCaptureTest.assertCaptureGone(h);
    }
  }

  @Test
  void anIntKeyInPartitionsIsExactAndItsCompensationRemovesEveryCopiedRow() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bm")) {
      h.execute(INT_SETUP + "ANALYZE; INSERT INTO ref SELECT id, k, n FROM src WHERE " + INT_FILTER);
      long rows = h.count("SELECT count(*) FROM ref");
      PlanStep step = BackfillHarness.step("copy", INT_COPY.replace("{trip}", String.format(TRIP, "dst", rows / 2))
          + "partitions: 3\nwalk: matches\n");

      StepResult result = applyWithOneRetry(h, step);

      assertEquals(h.checksum("ref"), h.checksum("dst"));
      assertTrue(result.outcome().contains("in 3 parts") && result.outcome().contains("walk: matches"), result.outcome());
      assertEquals(3, h.count("SELECT count(*) FROM cutover.backfill_checkpoint WHERE walk = 'matches' AND state = 'done'"));
      assertListGone(h);
      StepResult undone = h.compensate(step);
      assertEquals(0, h.count("SELECT count(*) FROM dst"), undone.outcome());
    }
  }

  @Test
  void underConcurrentWritesTheCopyEndsEqualToTheFilteredSource() throws Exception {
    for (String guard : java.util.List.of("", GUARD)) {
      try (BackfillHarness h = new BackfillHarness("bm")) {
        h.execute(BackfillCaptureTest.SETUP + "; ANALYZE src");
        // the writer's updates (v + 1) move rows in and out of the filter, and to new locations
        String filter = "v % 4 = 1";
        PlanStep step = BackfillHarness.step("copy", BackfillCaptureTest.COPY + "where: " + filter + "\nbatchSize: 100\n"
            + "pauseBetween: 5ms\npartitions: 2\nwalk: matches\n" + guard);
        StepResult result;
        try (BackfillCaptureTest.Writer writer = new BackfillCaptureTest.Writer(h, "copy")) {
          BackfillStepTest.await("some writes", () -> writer.writes.get() > 50);
          long before = writer.writes.get();
          result = h.applyInParallel(step);
          assertTrue(writer.writes.get() > before + 20, "writes during the copy: " + (writer.writes.get() - before));
        }
        h.execute("VACUUM src");
        assertEquals(h.checksum("(SELECT id, v, note FROM src WHERE " + filter + ")"), h.checksum("dst"), guard);
        assertTrue(BackfillCaptureTest.replayedBy(result) > 0, result.outcome());
        assertTrue(result.outcome().contains("walk: matches"), result.outcome());
        assertListGone(h);
        BackfillCaptureTest.assertCaptureGone(h);
      }
    }
  }

  /** A latency guard that lets the copy run: the list is made in chunks it paces. */
  static final String GUARD = "guard: {ratio: 20, window: 500ms, every: 10ms}\n";

  @Test
  void underALatencyGuardOnePartListsTheMatchesInChunksResumingAfterAFailureThenCopiesThem() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bm")) {
      // the 2,000th row the listing evaluates fails its chunk once (the parts' preparation reads rows far from it):
      // the chunks before it are committed
      h.execute(INT_SETUP + "CREATE SEQUENCE trip START 1000000; ANALYZE; INSERT INTO ref SELECT id, k, n FROM src WHERE " + INT_FILTER);
      String fields = INT_COPY.replace("{trip}", "0").replace("where: " + INT_FILTER,
          "where: 1 / (nextval('trip') - 2000) IS NOT NULL AND " + INT_FILTER);
      PlanStep step = BackfillHarness.step("copy", fields + "partitions: 2\nwalk: matches\n" + GUARD);
      StepCall call = h.call(step);
      StepParts parts = h.steps.prepareParts(new PartsCall(call, StepAction.APPLY));
      assertEquals(1, parts.parts(), "one part lists the matches");
      h.execute("ALTER SEQUENCE trip RESTART WITH 1");
      assertEquals("listing", h.text("SELECT state FROM cutover.backfill_checkpoint"));
      ActivityFailure failed = assertThrows(ActivityFailure.class,
          () -> h.steps.runPart(new PartCall(call, StepAction.APPLY, 0, 1)));
      assertTrue(String.valueOf(failed.getCause().getMessage()).contains("division by zero"), failed.toString());
      assertEquals("listing", h.text("SELECT state FROM cutover.backfill_checkpoint"));
      String listedTo = h.text("SELECT last_key FROM cutover.backfill_checkpoint");
      assertTrue(listedTo != null && h.count("SELECT count(*) FROM dst") == 0, "listed to page " + listedTo
          + " and copied nothing");

      h.steps.runPart(new PartCall(call, StepAction.APPLY, 0, 1));
      StepResult result = h.steps.apply(call);

      assertEquals(h.checksum("ref"), h.checksum("dst"));
      assertEquals(h.count("SELECT count(*) FROM ref"), result.rows());
      assertTrue(result.outcome().contains("one part makes the list in page-range chunks the guard paces (partitions: 2"),
          result.outcome());
      assertListGone(h);
      BackfillCaptureTest.assertCaptureGone(h);
    }
  }

  @Test
  void underALatencyGuardASelectiveFilterIsStillCopiedFromItsMatches() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bm")) {
      h.execute(LINES.setup() + "ANALYZE");
      h.execute(LINES.reference());
      PlanStep step = BackfillHarness.step("copy", LINES.fields().replace("{trip}", "0") + GUARD);

      StepResult result = h.apply(step);

      assertEquals(h.checksum("ref"), h.checksum("dst"));
      assertTrue(result.outcome().contains("walk: matches") && result.outcome().contains("in page-range chunks the guard paces"),
          result.outcome());
      assertListGone(h);
    }
  }

  @Test
  void aRollbackOfAStoppedCopyDropsTheListAndRemovesTheCopiedRows() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bm")) {
      h.execute(INT_SETUP + "ANALYZE");
      PlanStep step = BackfillHarness.step("copy", INT_COPY.replace("{trip}", String.format(TRIP, "dst", 200))
          + "walk: matches\n");
      StepCall call = h.call(step);
      StepParts parts = h.steps.prepareParts(new PartsCall(call, StepAction.APPLY));
      assertEquals(1, h.count("SELECT count(*) FROM pg_class WHERE relname LIKE 'matches_%' AND relkind = 'r'"), "the list while it runs");
      assertThrows(ActivityFailure.class, () -> h.steps.runPart(new PartCall(call, StepAction.APPLY, 0, parts.parts())));
      assertTrue(h.count("SELECT count(*) FROM dst") >= 200);

      h.compensate(step);

      assertEquals(0, h.count("SELECT count(*) FROM dst"));
      assertListGone(h);
      BackfillCaptureTest.assertCaptureGone(h);
    }
  }

  @Test
  void aMatchWalkWithoutCaptureIsRefusedAndNotChosen() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bm")) {
      h.execute(INT_SETUP + "ANALYZE; INSERT INTO ref SELECT id, k, n FROM src WHERE " + INT_FILTER);
      String fields = INT_COPY.replace("{trip}", "0") + "capture: false\n";
      ActivityFailure refused = assertThrows(ActivityFailure.class,
          () -> h.apply(BackfillHarness.step("forced", fields + "walk: matches\n")));
      assertTrue(String.valueOf(refused.getCause().getMessage()).contains("walk: matches needs"), refused.toString());
      assertEquals(0, h.count("SELECT count(*) FROM dst"));

      StepResult chosen = h.apply(BackfillHarness.step("chosen", fields));

      assertEquals(h.checksum("ref"), h.checksum("dst"));
      assertTrue(chosen.outcome().contains("walk: pages"), chosen.outcome());
      assertListGone(h);
    }
  }

  @Test
  void aPlanCannotForceAMatchWalkOnAQueryOrAnUpdate() {
    IllegalArgumentException query = assertThrows(IllegalArgumentException.class, () -> BackfillHarness.step("c",
        "query: SELECT 1 AS id\nkey: [id]\ninto: dst\ncolumns: {id: id}\nwalk: matches\n"));
    assertTrue(query.getMessage().contains("walk: matches lists rows of a from: table"), query.getMessage());
    IllegalArgumentException update = assertThrows(IllegalArgumentException.class, () -> BackfillHarness.step("c",
        "from: src\nkey: [id]\nset: {n: n + 1}\nirreversible: true\nwalk: matches\n"));
    assertTrue(update.getMessage().contains("walk: matches cannot update in place"), update.getMessage());
  }
}
