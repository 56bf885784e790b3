package cutover.activities.steps.backfill;


/**
 * How big the next batch of a backfill part is and how long it waits before it. The size adapts
 * to the target batch time (halving or at most doubling per batch) unless the plan or an
 * operator fixed it; a rows-per-second cap is shared out among the parts; after a lock-wait or
 * replication-lag back-off the batch size is halved.
 */
final class Throttle {
  private final BackfillSpec spec;
  private final int parts;
  private int size;
  private boolean fixed;
  private Long rate;
  private String tunedBy;
  /** The rate cap counts rows from here: reset when the rate changes, moved on by idle time. */
  private long windowStart = System.nanoTime();
  private long windowRows;

  Throttle(BackfillSpec spec, int parts) {
    this.spec = spec;
    this.parts = Math.max(1, parts);
    this.fixed = spec.batchSize() != null;
    this.size = fixed ? spec.batchSize() : BackfillSpec.FIRST_BATCH_SIZE;
    this.rate = spec.rate();
  }

  /** Applies an operator's {@code tune}: a batch size (0: adapt again) and a rate (0: no cap). */
  void tune(Checkpoints.Control control) {
    if (control.batchSize() != null) {
      if (control.batchSize() > 0) {
        fixed = true;
        size = clamp(control.batchSize());
      } else if (fixed) {
        fixed = spec.batchSize() != null;
        if (fixed) {
          size = spec.batchSize();
        }
      }
    }
    Long newRate = control.rate() == null ? spec.rate() : control.rate() > 0 ? control.rate() : null;
    if (!java.util.Objects.equals(newRate, rate)) {
      rate = newRate;
      windowStart = System.nanoTime();
      windowRows = 0;
    }
    tunedBy = control.tunedBy();
  }

  /** Rows in the next batch: never more than one second of this part's share of the rate cap. */
  int size() {
    long perPart = ratePerPart();
    return perPart > 0 ? (int) Math.max(1, Math.min(size, perPart)) : size;
  }

  /**
   * After a batch of {@code rows} rows took {@code millis} ms, sizes the next one. Batches of
   * fewer than half the size (the last of a range, a sparse stretch) say little and change nothing.
   */
  void record(long rows, long millis) {
    if (fixed || rows * 2 < size || millis <= 0) {
      return;
    }
    double target = spec.batchTime().toNanos() / 1e6;
    double ideal = rows * target / millis;
    size = clamp((long) Math.max(size / 2.0, Math.min(size * 2.0, ideal)));
  }

  /** After backing off for lock waits or replication lag: smaller batches hold locks for less time. */
  void shrink() {
    if (!fixed) {
      size = clamp(size / 2);
    }
  }

  /** Counts the rows of a committed batch against the rate cap. */
  void counted(long rows) {
    windowRows += rows;
  }

  /** Time spent paused or backing off does not earn the rate cap a burst afterwards. */
  void idle(long nanos) {
    windowStart += nanos;
  }

  /**
   * How long to wait before the next batch, in ms: the plan's pause between batches, and what
   * keeps this part within its share of the rate cap (counted since the cap last changed).
   */
  long waitMillis() {
    long wait = spec.pauseBetween().toMillis();
    long perPart = ratePerPart();
    if (perPart > 0) {
      long due = windowRows * 1000 / perPart;
      wait = Math.max(wait, due - (System.nanoTime() - windowStart) / 1_000_000);
    }
    return Math.max(0, wait);
  }

  long ratePerPart() {
    return rate == null ? 0 : Math.max(1, rate / parts);
  }

  /** "rate cap 20,000 rows/s (tuned by alice)" or null. */
  String rateNote() {
    if (rate == null) {
      return null;
    }
    return String.format(java.util.Locale.ROOT, "rate cap %,d rows/s", rate) + (tunedBy == null ? "" : " (tuned by " + tunedBy + ")");
  }

  String tunedBy() {
    return tunedBy;
  }

  private static int clamp(long value) {
    return (int) Math.max(BackfillSpec.MIN_BATCH_SIZE, Math.min(BackfillSpec.MAX_BATCH_SIZE, value));
  }
}
