package cutover.activities.steps.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.steps.SqlTimeouts;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batch sizing and the rate cap, without a database. */
class ThrottleTest {

  static BackfillSpec spec(Integer batchSize, Long rate) {
    return new BackfillSpec("src", null, List.of("id"), null, "dst", null, null, BackfillSpec.OnConflict.ERROR,
        List.of(), 1, batchSize, Duration.ofMillis(60), rate, Duration.ZERO, Duration.ofMillis(500),
        Duration.ofSeconds(10), null, null, null, SqlTimeouts.DEFAULTS);
  }

  @Test
  void theBatchSizeAdaptsToTheBatchTimeAtMostDoublingOrHalving() {
    Throttle throttle = new Throttle(spec(null, null), Duration.ofMillis(60), 1);
    assertEquals(1_000, throttle.size());
    throttle.record(1_000, 6);
    assertEquals(2_000, throttle.size(), "a fast batch doubles at most");
    throttle.record(2_000, 60);
    assertEquals(2_000, throttle.size(), "on target: unchanged");
    throttle.record(2_000, 240);
    assertEquals(1_000, throttle.size(), "a slow batch halves at most");
    throttle.record(400, 1);
    assertEquals(1_000, throttle.size(), "a short last batch says nothing");
  }

  /** Batches that take {@code overhead} ms whatever their size and {@code perRow} ms a row: the size they settle at. */
  private static int settle(Throttle throttle, double overhead, double perRow) {
    for (int i = 0; i < 30; i++) {
      throttle.record(throttle.size(), Math.round(overhead + perRow * throttle.size()));
    }
    return throttle.size();
  }

  @Test
  void aBatchSpendsAtLeastAsLongCopyingAsOnItsOverheadUpToTheLongestBatch() {
    Throttle small = new Throttle(spec(null, null), Duration.ofMillis(60), 1);
    int size = settle(small, 20, 0.01);
    assertTrue(size > 3_500 && size < 4_500, "60 ms, 40 of them copying: " + size);

    // an EXISTS over another table hashes it each batch: 70 ms whatever the size, above the target
    Throttle large = new Throttle(spec(null, null), Duration.ofMillis(60), 1);
    size = settle(large, 70, 0.03);
    assertTrue(size >= 400 && size <= 600, "a quarter of the target copying, not the smallest batch: " + size);
    assertTrue(large.overheadMillis() > 60 && large.overheadMillis() < 80, "learned: " + large.overheadMillis());
    assertTrue(70 + 0.03 * size <= Throttle.LONGEST_MILLIS + 10, "a batch stays near the longest: " + size);
    assertTrue(large.overheadNote().contains("of each batch is overhead"), large.overheadNote());
    Throttle none = new Throttle(spec(null, null), Duration.ofMillis(60), 1);
    settle(none, 0, 0.01);
    assertEquals("", none.overheadNote(), "no overhead to speak of");
  }

  @Test
  void aFixedOrTunedSizeStaysAndZeroAdaptsAgain() {
    Throttle throttle = new Throttle(spec(5_000, null), Duration.ofMillis(60), 1);
    throttle.record(5_000, 1);
    assertEquals(5_000, throttle.size());
    Throttle adaptive = new Throttle(spec(null, null), Duration.ofMillis(60), 1);
    adaptive.tune(new Checkpoints.Control(false, null, 700, null, "bob"));
    adaptive.record(700, 1);
    assertEquals(700, adaptive.size());
    adaptive.tune(new Checkpoints.Control(false, null, 0, null, "bob"));
    adaptive.record(700, 1);
    assertEquals(1_400, adaptive.size());
  }

  @Test
  void theRateCapIsSharedByThePartsAndCountsFromItsLastChange() {
    Throttle throttle = new Throttle(spec(null, null), Duration.ofMillis(60), 2);
    throttle.counted(1_000_000);
    assertEquals(0, throttle.waitMillis(), "no cap: no wait");
    throttle.tune(new Checkpoints.Control(false, null, null, 2_000L, "alice"));
    assertEquals(1_000, throttle.ratePerPart());
    assertEquals(1_000, throttle.size(), "a batch holds at most one second of the part's share");
    assertEquals(0, throttle.waitMillis(), "rows copied before the cap do not count against it");
    throttle.counted(1_000);
    long wait = throttle.waitMillis();
    assertTrue(wait > 900 && wait <= 1_000, "one second's share takes a second: " + wait);
    throttle.tune(new Checkpoints.Control(false, null, null, 0L, "alice"));
    assertEquals(0, throttle.waitMillis(), "rate 0 removes the cap");
  }
}
