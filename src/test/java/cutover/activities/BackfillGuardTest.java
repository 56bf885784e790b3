package cutover.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.plan.PlanStep;
import cutover.testing.TestDatabase;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A backfill's latency guard: it backs off while its probe is slow, resumes after, and says what it held. */
class BackfillGuardTest {

  static final String ROWS = "CREATE TABLE src (id int PRIMARY KEY, name text);"
      + "INSERT INTO src SELECT g, 'name ' || g FROM generate_series(1, 3000) g;"
      + "CREATE TABLE dst (id int, name text);"
      // the probe reads this table: the test slows it down by holding a lock on it
      + "CREATE TABLE guard_slow (x int);";
  static final String PROBE = "SELECT count(*) FROM guard_slow";

  @Test
  void backsOffWhileTheProbeIsSlowAndResumesWhenItIsFastAgain() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bfg")) {
      h.execute(ROWS);
      // ~30 batches 60 ms apart: time to slow the probe down in the middle
      PlanStep step = BackfillHarness.step("copy", "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id, name: name}\n"
          + "batchSize: 100\npauseBetween: 60ms\nguard: {probe: \"" + PROBE + "\", ratio: 10, window: 1s, every: 10ms, timeout: 10s}\n");
      AtomicReference<Object> result = new AtomicReference<>();
      Thread copy = new Thread(() -> {
        try {
          result.set(h.apply(step));
        } catch (Throwable e) {
          result.set(e);
        }
      });
      copy.start();
      BackfillStepTest.await("the first batches", () -> h.count(
          "SELECT coalesce(sum(rows_done), 0) FROM cutover.backfill_checkpoint WHERE step_id = 'copy'") >= 200);
      // ratio 10 and a probe that waits up to 10 s: a loaded machine's jitter does not make the guard back off
      Connection blocker = TestDatabase.connect(h.target);
      blocker.setAutoCommit(false);
      blocker.createStatement().execute("LOCK TABLE guard_slow IN ACCESS EXCLUSIVE MODE");
      try {
        BackfillStepTest.await("the guard backing off", () -> progress(h).stream().anyMatch(p -> "throttled".equals(p.state())
            && p.note() != null && p.note().contains("latency guard backing off")));
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; progress: " + progress(h), e);
      }
      long held = h.count("SELECT rows_done FROM cutover.backfill_checkpoint WHERE step_id = 'copy'");
      Thread.sleep(600);
      assertEquals(held, h.count("SELECT rows_done FROM cutover.backfill_checkpoint WHERE step_id = 'copy'"),
          "no batch while the probe is slow");
      assertTrue(held < 3000, "backed off before the end: " + held);

      blocker.rollback();
      blocker.close();
      long resumed = System.nanoTime();
      copy.join(60_000);
      assertTrue(result.get() instanceof StepResult, String.valueOf(result.get()));
      String outcome = ((StepResult) result.get()).outcome();
      assertTrue(outcome.contains("copied 3,000 rows"), outcome);
      assertTrue(outcome.contains("latency guard: probe p99 baseline"), outcome);
      assertTrue(outcome.matches(".*backed off [0-9.]+m?s \\(\\d+ times?\\).*"), outcome);
      assertEquals(h.checksum("src"), h.checksum("dst"));
      // resumed at once, not after the 30 s a guard backs off at most before it does one batch anyway
      assertTrue(System.nanoTime() - resumed < 25_000_000_000L, "resumed after the probe was fast again");
      for (StepHeartbeat beat : h.heartbeats) {
        assertFalse(beat.toString().contains("count(*)"), "no probe SQL in heartbeats: " + beat);
        assertFalse(beat.toString().contains("guard_slow"), "no probe SQL in heartbeats: " + beat);
      }
      assertFalse(outcome.contains(PROBE) || outcome.contains("guard_slow"), outcome);
    }
  }

  @Test
  void theDefaultProbeIsAWriteIntoTheLedger() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bfg")) {
      h.execute(ROWS);
      PlanStep step = BackfillHarness.step("copy", "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id, name: name}\n"
          + "guard: {ratio: 20}\n"); // the default probe; a ratio a loaded machine's jitter does not reach
      String outcome = h.apply(step).outcome();
      assertTrue(outcome.contains("copied 3,000 rows") && outcome.contains("latency guard: probe p99 baseline"), outcome);
      assertEquals(h.checksum("src"), h.checksum("dst"));
      assertTrue(h.count("SELECT count(*) FROM cutover.latency_probe") >= 1);
      assertEquals(1, h.count("SELECT count(*) FROM cutover.backfill_guard WHERE step_id = 'copy' AND probes >= "
          + "50"));
    }
  }

  @Test
  void aProbeThatFailsFailsTheStepWithoutItsSql() throws Exception {
    try (BackfillHarness h = new BackfillHarness("bfg")) {
      h.execute(ROWS);
      PlanStep step = BackfillHarness.step("copy", "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id, name: name}\n"
          + "guard: {probe: \"SELECT secret_column FROM guard_slow\"}\n");
      ActivityFailure failure = assertThrows(ActivityFailure.class, () -> h.apply(step));
      String message = ((ApplicationFailure) failure.getCause()).getOriginalMessage();
      assertTrue(message.contains("the latency guard's probe failed before the first batch"), message);
      assertTrue(message.contains("SQLSTATE 42703"), message);
      assertFalse(message.contains("SELECT secret_column FROM"), message);
      assertEquals(0, h.count("SELECT count(*) FROM dst"));
    }
  }

  @Test
  void theGuardIsOffUnlessAskedForAndItsFieldsAreChecked() {
    PlanStep plain = BackfillHarness.step("copy", "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id}\n");
    assertEquals(null, ((cutover.activities.steps.backfill.BackfillSpec) plain.spec()).guard());
    PlanStep on = BackfillHarness.step("copy", "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id}\nguard: true\n");
    assertEquals(cutover.activities.steps.backfill.GuardSpec.DEFAULTS,
        ((cutover.activities.steps.backfill.BackfillSpec) on.spec()).guard());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> BackfillHarness.step("copy",
        "from: src\nkey: [id]\ninto: dst\ncolumns: {id: id}\nguard: {ratio: 1, every: 0s, wat: 1}\n"));
    assertTrue(bad.getMessage().contains("ratio must be more than 1"), bad.getMessage());
    assertTrue(bad.getMessage().contains("every must be from 1ms to 10s"), bad.getMessage());
    assertTrue(bad.getMessage().contains("wat"), bad.getMessage());
  }

  private static List<cutover.activities.StepProgress> progress(BackfillHarness h) {
    return h.heartbeats.stream().map(StepHeartbeat::progress).filter(Objects::nonNull).toList();
  }
}
