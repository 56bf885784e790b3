package cutover.activities.steps.backfill;


/**
 * How big the next batch of a backfill part is and how long it waits before it. The size adapts
 * to the target batch time (halving or at most doubling per batch) unless the plan or an
 * operator fixed it; a rows-per-second cap is shared out among the parts; after a lock-wait or
 * replication-lag back-off the batch size is halved.
 *
 * <p>A batch's time is its overhead, what it costs whatever its size (a filter's {@code EXISTS}
 * over another table hashes that whole table each batch), and a time per row. The overhead is
 * learned from two batches of clearly different sizes. A batch is sized to spend at least as long
 * copying as on its overhead, up to {@link #LONGEST_MILLIS} in all: sized by time alone, an
 * overhead near the target drove the batches to the smallest size, where nearly all of their
 * time was overhead.
 */
final class Throttle {
  /** A batch is made longer than the target time to cover its overhead up to this long (its locks held), in ms. */
  static final double LONGEST_MILLIS = 80;
  /** Two batches whose sizes differ at least by this factor show the overhead. */
  static final double TELLING_RATIO = 1.5;

  private final BackfillSpec spec;
  private final java.time.Duration batchTime;
  private final int parts;
  private int size;
  private boolean fixed;
  private Long rate;
  private String tunedBy;
  /** The rate cap counts rows from here: reset when the rate changes, moved on by idle time. */
  private long windowStart = System.nanoTime();
  private long windowRows;
  private double targetMillis;
  private double overheadMillis;
  private long lastRows;
  private long lastMillis;

  /** Batches of {@code batchTime} (the plan's, or its default for the part's walk), {@code parts} sharing the rate. */
  Throttle(BackfillSpec spec, java.time.Duration batchTime, int parts) {
    this.spec = spec;
    this.batchTime = batchTime;
    this.parts = Math.max(1, parts);
    this.fixed = spec.batchSize() != null;
    this.size = fixed ? spec.batchSize() : BackfillSpec.FIRST_BATCH_SIZE;
    this.rate = spec.rate();
    this.targetMillis = batchTime.toNanos() / 1e6;
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
    learnOverhead(rows, millis);
    // the time per row beyond the overhead, of this batch: it follows the machine as it gets slower or faster
    double perRow = Math.max(millis - overheadMillis, millis / 10.0) / rows;
    double target = targetMillis;
    double time = Math.min(Math.max(target, 2 * overheadMillis), Math.max(target, LONGEST_MILLIS));
    // an overhead near the longest batch still leaves a quarter of the target's time for copying
    double ideal = Math.max(time - overheadMillis, target / 4) / perRow;
    size = clamp((long) Math.max(size / 2.0, Math.min(size * 2.0, ideal)));
  }

  /** The overhead, from this batch and the last one recorded when their sizes tell it: between 0 and 9/10 of this batch. */
  private void learnOverhead(long rows, long millis) {
    if (lastRows > 0 && Math.max(rows, lastRows) >= TELLING_RATIO * Math.min(rows, lastRows)) {
      double perRow = (millis - lastMillis) / (double) (rows - lastRows);
      if (perRow > 0) {
        double overhead = Math.max(0, Math.min(millis * 0.9, millis - perRow * rows));
        overheadMillis = overheadMillis == 0 ? overhead : (overheadMillis + overhead) / 2;
      }
    }
    lastRows = rows;
    lastMillis = millis;
  }

  /** What a batch costs whatever its size, in ms, as learned so far (0 until two batches tell it). */
  double overheadMillis() {
    return overheadMillis;
  }

  /** ", ~N ms of each batch is overhead" when the overhead is a tenth of the target or more, else empty. */
  String overheadNote() {
    return overheadMillis * 10 < targetMillis ? ""
        : String.format(java.util.Locale.ROOT, ", ~%.0f ms of each batch is overhead whatever its size", overheadMillis);
  }

  /** From now on the batches adapt to {@code times} the batch time: a listing chunk's, longer than a batch's. */
  void target(int times) {
    targetMillis = batchTime.multipliedBy(times).toNanos() / 1e6;
  }

  /** Batches of another kind follow: the batch time again, and the size and overhead learned again (unless fixed). */
  void restart() {
    targetMillis = batchTime.toNanos() / 1e6;
    overheadMillis = 0;
    lastRows = 0;
    lastMillis = 0;
    if (!fixed) {
      size = BackfillSpec.FIRST_BATCH_SIZE;
    }
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
