package cutover.starter.bench;

import cutover.workflows.OperatorAction;
import cutover.workflows.OperatorSignals;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * A case of {@code cutover bench backfill} under a concurrent insert/update/delete load on the
 * case's source ({@link BenchBackfill.WriteLoad}, mixed): first the load alone (how far apart its
 * own alternate stretches are: the comparison's noise), then the load started before the backfill
 * and running through it, the backfill paused and resumed in turns ({@link Interleave}: the
 * writers' baseline is the load while it was paused). The backfill captures the changed keys and
 * replays them; at the end the target is compared with the source by checksum. Its line:
 * {@code backfill case=NAME+writes rows=N limit_rows_per_s=X rows_per_s=Y ratio=R walk=W
 * exact=true|false write_p99_ms=A baseline_write_p99_ms=B batch_p99_ms=P stretch_write_p99_ms=C
 * stretch_baseline_write_p99_ms=D noise_ratio=Z}.
 */
final class WritesCase {
  /** The load alone runs at least this long: a few pairs of stretches, for the noise of the comparison. */
  static final long NOISE_SECONDS = 24;
  /**
   * A case's copy under writes.
   *
   * @param name the case, e.g. {@code int}
   * @param step the backfill step's fields after {@code kind: backfill}, unindented
   * @param createTarget the DDL of the empty target bench_dst
   * @param source what the target must equal at the end: a SELECT of the source with the step's columns and filter
   * @param targetRows the target's rows, as a SELECT with the same columns
   * @param writes the application's writes to the source
   */
  record Shape(String name, String step, String createTarget, String source, String targetRows,
      BenchBackfill.WriteLoad.Writes writes) {

    /** The shape of a {@code --cases} copy; null when it has none. */
    static Shape of(BackfillCase copy, long rows) {
      String into = "bench_dst";
      String select = "SELECT " + copy.targetColumns() + " FROM " + into;
      String ddl = String.format(Locale.ROOT, copy.target(), into);
      return switch (copy.name()) {
        case "int", "uuid", "filtered-uuid" -> new Shape(copy.name(), copy.stepFields(into), ddl, copy.select(), select,
            BenchBackfill.WriteLoad.Writes.of(copy.tables(), rows));
        // a query: source is not captured: the same rows from the base table, the join as a column's subquery
        case "join" -> new Shape(copy.name(), "from: bench_src\nkey: [id]\ninto: " + into + "\ncolumns:\n  id: id\n"
            + "  tenant_name: (SELECT t.name FROM bench_tenants t WHERE t.tenant = bench_src.tenant)\n"
            + "  status: status\n  amount: amount\n  created_at: created_at\n", ddl, copy.select(), select,
            BenchBackfill.WriteLoad.Writes.of(copy.tables(), rows));
        default -> null;
      };
    }
  }

  /** Runs a plan of one backfill step with these fields (guarded when the bench is), paused and resumed in turns. */
  interface Runner {
    BenchBackfill.Backfill.Run run(String name, String stepFields, Interleave interleave) throws Exception;
  }

  private final DataSource db;
  private final PrintWriter out;
  private final int writeRate;
  private final long rows;

  WritesCase(DataSource db, PrintWriter out, int writeRate, long rows) {
    this.db = db;
    this.out = out;
    this.writeRate = writeRate;
    this.rows = rows;
  }

  /** Runs the case with and without the backfill; returns its machine-readable line. */
  String run(Shape shape, double limitRowsPerSecond, long baselineSeconds, Runner runner) throws Exception {
    String fence = "SELECT count(*) > " + count("SELECT count(*) FROM cutover.step WHERE step_id = 'backfill'"
        + " AND action = 'apply'") + " FROM cutover.step WHERE step_id = 'backfill' AND action = 'apply'";
    long aloneSeconds = Math.max(baselineSeconds, NOISE_SECONDS);
    say(String.format(Locale.ROOT, "%s+writes: the write load alone, %d ops/s for %d s (UPDATEs, INSERTs, DELETEs)",
        shape.name(), writeRate, aloneSeconds));
    BenchBackfill.WriteLoad.Samples before;
    try (BenchBackfill.WriteLoad load = new BenchBackfill.WriteLoad(db, writeRate, rows, shape.writes(), true, fence)) {
      Thread.sleep(aloneSeconds * 1000);
      before = load.samples();
    }
    // the load alone cut into the same stretches as the run below: what the comparison shows with nothing to find
    long first = Arrays.stream(before.dues()).min().orElse(0);
    Stretches even = Stretches.of(before, due -> Interleave.alternate(due - first, 0));
    Stretches odd = Stretches.of(before, due -> Interleave.alternate(due - first, 1));
    double noise = Math.max(even.pooled().p99() / odd.pooled().p99(), odd.pooled().p99() / even.pooled().p99());
    say(String.format(Locale.ROOT, "  %s; its alternate %d-s stretches: p99 %.1f and %.1f ms (%.2fx apart)",
        BenchBackfill.WriteLoad.Latencies.of(before.latencies()), Interleave.STRETCH_MILLIS / 1000, even.pooled().p99(),
        odd.pooled().p99(), noise));
    sql("DROP TABLE IF EXISTS bench_dst");
    sql(shape.createTarget());
    sql("CHECKPOINT");
    BenchBackfill.WriteLoad.Samples writes;
    BenchBackfill.Backfill.Run run;
    Interleave interleave = new Interleave();
    try (BenchBackfill.WriteLoad load = new BenchBackfill.WriteLoad(db, writeRate, rows, shape.writes(), true, fence)) {
      Thread.sleep(500); // the load runs before the copy starts
      run = runner.run(shape.name() + "+writes", shape.step(), interleave);
      writes = load.samples();
    }
    long copied = count("SELECT count(*) FROM bench_dst");
    boolean exact = checksum(shape.source()).equals(checksum(shape.targetRows()));
    sql("DROP TABLE IF EXISTS bench_dst");
    Stretches during = Stretches.of(writes, interleave::copyingStretch);
    Stretches alone = Stretches.of(writes, interleave::pausedStretch);
    // without a whole pause (a copy of a few seconds) the load alone before it is the baseline
    Stretches baseline = alone.pooled().count() == 0 ? Stretches.of(before, due -> 0) : alone;
    double copyingSeconds = run.seconds - interleave.pausedSeconds();
    double rowsPerSecond = copied / copyingSeconds;
    say(String.format(Locale.ROOT, "  backfill with the load: %.2f s (%.2f s of it paused by the bench, %d times),"
            + " %,.0f rows/s while copying; writes while it copied %s; while it was paused %s; exact %s; %s",
        run.seconds, interleave.pausedSeconds(), interleave.pauses(), rowsPerSecond, during.pooled(),
        alone.pooled().count() == 0 ? "none" : alone.pooled(), exact, run.outcome));
    say(String.format(Locale.ROOT, "  median p99 of a stretch: %.1f ms copying (%d stretches), %.1f ms paused (%d)",
        during.medianP99(), during.stretches(), baseline.medianP99(), baseline.stretches()));
    return String.format(Locale.ROOT, "backfill case=%s+writes rows=%d limit_rows_per_s=%.0f rows_per_s=%.0f ratio=%.2f"
            + " walk=%s exact=%s write_p99_ms=%.1f baseline_write_p99_ms=%.1f batch_p99_ms=%d"
            + " stretch_write_p99_ms=%.1f stretch_baseline_write_p99_ms=%.1f noise_ratio=%.2f", shape.name(), copied,
        limitRowsPerSecond, rowsPerSecond, rowsPerSecond / limitRowsPerSecond, run.walk(), exact, during.pooled().p99(),
        baseline.pooled().p99(), run.batchP99, during.medianP99(), baseline.medianP99(), noise);
  }

  /**
   * Writes grouped by the stretch they were due in: their p99 together, and the median of the
   * stretches' own p99s, which a stall of the machine's disk in one stretch does not move.
   */
  record Stretches(BenchBackfill.WriteLoad.Latencies pooled, double medianP99, int stretches) {
    /** A stretch says little with fewer writes. */
    static final int MIN_WRITES = 100;

    /** @param stretchOf the stretch a write due then belongs to, or -1 for none */
    static Stretches of(BenchBackfill.WriteLoad.Samples samples, java.util.function.LongToIntFunction stretchOf) {
      Map<Integer, List<Long>> byStretch = new TreeMap<>();
      for (int i = 0; i < samples.dues().length; i++) {
        int stretch = stretchOf.applyAsInt(samples.dues()[i]);
        if (stretch >= 0) {
          byStretch.computeIfAbsent(stretch, k -> new ArrayList<>()).add(samples.latencies()[i]);
        }
      }
      long[] all = byStretch.values().stream().flatMap(List::stream).mapToLong(Long::longValue).toArray();
      double[] p99s = byStretch.values().stream().filter(l -> l.size() >= MIN_WRITES)
          .mapToDouble(l -> BenchBackfill.WriteLoad.Latencies.of(l.stream().mapToLong(Long::longValue).toArray()).p99())
          .sorted().toArray();
      return new Stretches(BenchBackfill.WriteLoad.Latencies.of(all),
          p99s.length == 0 ? Double.NaN : p99s[(p99s.length - 1) / 2], p99s.length);
    }
  }

  /**
   * Pauses and resumes a running backfill in turns (as an operator would, by signal), so that the
   * writers' baseline is measured in the same minutes as the copy: on a shared machine the load
   * alone's p99 over a few seconds varies from 2 to 150 ms, and a baseline measured before the
   * copy says more of its minute than of the copy. The first second of each stretch is left out
   * (a pause waits for the running batch, and the copy's writes settle).
   */
  static final class Interleave {
    static final long STRETCH_MILLIS = 3_000;
    static final long SETTLE_MILLIS = 1_000;
    /** How long a part may take to see a resume: counted as copying time, so rows/s errs low. */
    static final long RESUME_POLL_MILLIS = 250;

    /** {paused at, resumed at} in nanoTime; the last one's end is MAX while paused. */
    private final List<long[]> pauses = new CopyOnWriteArrayList<>();
    private volatile boolean stopped;
    private Thread thread;

    void start(OperatorSignals run) {
      thread = new Thread(() -> {
        try {
          while (!stopped) {
            Thread.sleep(STRETCH_MILLIS);
            if (stopped) {
              return;
            }
            run.pause(new OperatorAction("bench", "the writers' baseline, interleaved"));
            long[] pause = {System.nanoTime(), Long.MAX_VALUE};
            pauses.add(pause);
            Thread.sleep(STRETCH_MILLIS);
            run.resume(new OperatorAction("bench", "the copy, interleaved"));
            pause[1] = System.nanoTime();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          // the run ended between two signals: nothing left to pause
        }
      }, "bench-interleave");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      stopped = true;
      thread.interrupt();
      thread.join(10_000);
      for (long[] pause : pauses) {
        if (pause[1] == Long.MAX_VALUE) {
          pause[1] = System.nanoTime();
        }
      }
    }

    /** The pause a write due then was due in, past its first second, or -1. */
    int pausedStretch(long due) {
      for (int i = 0; i < pauses.size(); i++) {
        long[] p = pauses.get(i);
        if (due >= p[0] + SETTLE_MILLIS * 1_000_000 && due < p[1]) {
          return i;
        }
      }
      return -1;
    }

    /** The stretch of copying a write due then was due in (0: before the first pause), past its first second, or -1. */
    int copyingStretch(long due) {
      int after = 0;
      for (long[] p : pauses) {
        if (due >= p[0] && due < p[1] + SETTLE_MILLIS * 1_000_000) {
          return -1;
        }
        if (due >= p[1]) {
          after++;
        }
      }
      return after;
    }

    /**
     * In alternate stretches of the same length from a start ({@code sinceStart} ns after it):
     * the stretch's number when it is of the given parity (0 or 1) and past its first second, else -1.
     */
    static int alternate(long sinceStart, int parity) {
      long stretch = sinceStart / (STRETCH_MILLIS * 1_000_000);
      boolean settled = sinceStart % (STRETCH_MILLIS * 1_000_000) >= SETTLE_MILLIS * 1_000_000;
      return settled && stretch % 2 == parity ? (int) stretch : -1;
    }

    double pausedSeconds() {
      return pauses.stream().mapToLong(p -> Math.max(0, p[1] - p[0] - RESUME_POLL_MILLIS * 1_000_000)).sum() / 1e9;
    }

    int pauses() {
      return pauses.size();
    }
  }

  /** Row count and an order-free sum of the rows' 64-bit hashes: equal for equal multisets of rows (collisions aside). */
  private String checksum(String select) throws Exception {
    return text("SELECT count(*) || ':' || coalesce(sum(hashtextextended(r::text, 0)::numeric), 0) FROM (" + select
        + ") r");
  }

  private void sql(String sql) throws Exception {
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute("SET statement_timeout = 0");
      s.execute(sql);
    }
  }

  private long count(String sql) throws Exception {
    return Long.parseLong(text(sql));
  }

  private String text(String sql) throws Exception {
    try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }
}
