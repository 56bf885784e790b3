package cutover.activities.steps.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The guard's baseline p99, without a database. */
class LatencyGuardBaselineTest {

  /** 100 probes of 2 ms, with the ones given set to {@code stalled} µs. */
  static long[] probes(long stalled, int... stalls) {
    long[] probes = new long[100];
    Arrays.fill(probes, 2_000);
    for (int i : stalls) {
      probes[i] = stalled;
    }
    return probes;
  }

  @Test
  void oneStallInTheBaselineDoesNotSetTheLimit() {
    assertEquals(2_000, LatencyGuard.baselineP99(probes(2_000)), "a quiet baseline");
    // a disk stall of the host: four consecutive probes of 120 ms in the second stretch
    assertEquals(2_000, LatencyGuard.baselineP99(probes(120_000, 30, 31, 32, 33)));
    // the plain p99 of the same probes is the stall's
    assertEquals(120_000, LatencyGuard.p99(probes(120_000, 30, 31, 32, 33)));
  }

  @Test
  void slowProbesAllThroughAreTheBaseline() {
    // a slow probe in every stretch: the database is that slow, not one stall
    assertEquals(9_000, LatencyGuard.baselineP99(probes(9_000, 10, 35, 60, 85)));
  }

  @Test
  void aQuietHoldLowersTheBaselineButNeverRaisesItAboveTheFirst() {
    // the first baseline caught a stall in two stretches: the quiet holds' probes show the host at 2 ms
    assertEquals(2_000, LatencyGuard.rebased(120_000, probes(2_000)));
    // the holds' probes carry the copy's aftermath: the limit stays where the application was before the copy
    assertEquals(5_200, LatencyGuard.rebased(5_200, probes(8_800, 10, 35, 60, 85)));
    assertEquals(4_000, LatencyGuard.rebased(5_200, probes(4_000, 10, 35, 60, 85)));
  }

  @Test
  void fewProbes() {
    assertEquals(3_000, LatencyGuard.baselineP99(new long[] {1_000, 3_000, 2_000, 5_000, 4_000}));
    assertEquals(7, LatencyGuard.baselineP99(new long[] {7}));
  }
}
