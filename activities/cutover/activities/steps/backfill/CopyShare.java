package cutover.activities.steps.backfill;

/**
 * The share of the time a guarded backfill part copies: after a batch it pauses so that its
 * batches take that share. It starts at a half, is halved by each look that finds new probes over
 * the limit while the guard is over its budget (new evidence for each halving: one stall halves
 * it once), and is raised by a quarter after each window without a probe over the limit: slower up
 * than down, and in proportion, so that a share near its lowest does not jump back to many times
 * itself after one quiet window.
 */
final class CopyShare {
  static final double FIRST = 0.5;
  /**
   * On 2 cores the application's writes that run beside a batch are slower whatever its size;
   * their p99 comes down to the baseline only when batches run about 1% of the time.
   */
  static final double LOWEST = 1.0 / 128;
  /** The share grows by this factor after each window without a probe over the limit. */
  static final double GROWTH = 1.25;

  private final long windowNanos;
  private double share = FIRST;
  private double lowest = FIRST;
  private long changed;

  CopyShare(long windowNanos, long now) {
    this.windowNanos = windowNanos;
    this.changed = now;
  }

  /**
   * One look between batches.
   *
   * @param slowProbes whether probes over the limit came since the last look
   * @param overBudget whether more of the recent probes are over the limit than the guard allows
   */
  void look(long now, boolean slowProbes, boolean overBudget) {
    if (slowProbes) {
      if (overBudget) {
        share = Math.max(LOWEST, share / 2);
        lowest = Math.min(lowest, share);
      }
      changed = now;
    } else if (now - changed >= windowNanos) {
      share = Math.min(1, share * GROWTH);
      changed = now;
    }
  }

  /** The copy was held (paused) until now: the time held is no window without slow probes. */
  void hold(long now) {
    changed = now;
  }

  /** The pause after a batch of {@code batchMillis} that keeps batches to the share of the time. */
  long pauseAfter(long batchMillis) {
    return Math.round(batchMillis * (1 - share) / share);
  }

  double share() {
    return share;
  }

  double lowest() {
    return lowest;
  }

  boolean atLowest() {
    return share <= LOWEST;
  }
}
