package cutover.activities.steps.backfill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The guard's share of the time, look by look, without a database or a clock. */
class CopyShareTest {
  static final long WINDOW = 2_000_000_000L;

  /** A look {@code at} ns after the start, and the share it leaves. */
  record Look(String what, long at, boolean slowProbes, boolean overBudget, double share) {}

  @Test
  void halvesOnNewSlowProbesOverBudgetAndRisesAfterCleanWindows() {
    List<Look> looks = List.of(
        new Look("a clean look within the first window", WINDOW / 2, false, false, 0.5),
        new Look("a window without a slow probe", WINDOW, false, false, 0.625),
        new Look("slow probes within the budget: no change, but the window starts again", WINDOW + 10, true, false,
            0.625),
        new Look("not yet a window after them", 2 * WINDOW, false, false, 0.625),
        new Look("a window after them", 2 * WINDOW + 10, false, false, 0.78125),
        new Look("slow probes over the budget", 2 * WINDOW + 20, true, true, 0.390625),
        new Look("more, new ones", 2 * WINDOW + 30, true, true, 0.1953125),
        new Look("more", 2 * WINDOW + 40, true, true, 0.09765625),
        new Look("more", 2 * WINDOW + 50, true, true, 0.048828125),
        new Look("more", 2 * WINDOW + 60, true, true, 0.0244140625),
        new Look("more", 2 * WINDOW + 70, true, true, 0.01220703125),
        new Look("down to the lowest", 2 * WINDOW + 80, true, true, CopyShare.LOWEST),
        new Look("never below it", 2 * WINDOW + 90, true, true, CopyShare.LOWEST),
        new Look("a clean window: up by a quarter, not back to many times itself", 3 * WINDOW + 90, false, false,
            CopyShare.LOWEST * 1.25));
    CopyShare share = new CopyShare(WINDOW, 0);
    for (Look look : looks) {
      share.look(look.at(), look.slowProbes(), look.overBudget());
      assertEquals(look.share(), share.share(), 1e-9, look.what());
    }
    assertEquals(CopyShare.LOWEST, share.lowest(), 1e-9);
  }

  @Test
  void aPausedCopyEarnsNoGrowth() {
    CopyShare share = new CopyShare(WINDOW, 0);
    share.hold(5 * WINDOW); // paused from the start until then: five windows without a batch
    share.look(5 * WINDOW + 10, false, false);
    assertEquals(CopyShare.FIRST, share.share(), 1e-9, "no growth for the windows the copy was paused");
    share.look(6 * WINDOW, false, false);
    assertEquals(CopyShare.FIRST * CopyShare.GROWTH, share.share(), 1e-9, "a window of copying without slow probes");
  }

  @Test
  void neverAboveAllTheTime() {
    CopyShare share = new CopyShare(WINDOW, 0);
    for (int i = 1; i <= 5; i++) {
      share.look(i * WINDOW, false, false);
    }
    assertEquals(1.0, share.share(), 1e-9);
    assertEquals(0, share.pauseAfter(60));
  }

  @Test
  void pausesSoThatBatchesTakeTheShare() {
    CopyShare share = new CopyShare(WINDOW, 0);
    assertEquals(60, share.pauseAfter(60), "a half: a pause as long as the batch");
    for (int i = 1; i <= 6; i++) {
      share.look(i, true, true);
    }
    assertEquals(CopyShare.LOWEST, share.share(), 1e-9);
    assertEquals(7_620, share.pauseAfter(60), "a 128th: 127 times the batch");
  }
}
