package cutover.starter.bench;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * A case of {@code cutover bench backfill} under a concurrent insert/update/delete load on the
 * case's source ({@link BenchBackfill.WriteLoad}, mixed): first the load alone (the writers'
 * baseline), then the load started before the backfill and running through it. The backfill
 * captures the changed keys and replays them; at the end the target is compared with the source
 * by checksum. Its line: {@code backfill case=NAME+writes rows=N limit_rows_per_s=X rows_per_s=Y
 * ratio=R walk=W exact=true|false write_p99_ms=A baseline_write_p99_ms=B}.
 */
final class WritesCase {
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

  /** Runs a plan of one backfill step with these fields (guarded when the bench is). */
  interface Runner {
    BenchBackfill.Backfill.Run run(String name, String stepFields) throws Exception;
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
    say(String.format(Locale.ROOT, "%s+writes: the write load alone, %d ops/s for %d s (UPDATEs, INSERTs, DELETEs)",
        shape.name(), writeRate, baselineSeconds));
    BenchBackfill.WriteLoad.Latencies baseline;
    try (BenchBackfill.WriteLoad load = new BenchBackfill.WriteLoad(db, writeRate, rows, shape.writes(), true, fence)) {
      Thread.sleep(baselineSeconds * 1000);
      baseline = load.stop();
    }
    say("  " + baseline);
    sql("DROP TABLE IF EXISTS bench_dst");
    sql(shape.createTarget());
    sql("CHECKPOINT");
    BenchBackfill.WriteLoad.Latencies during;
    BenchBackfill.Backfill.Run run;
    try (BenchBackfill.WriteLoad load = new BenchBackfill.WriteLoad(db, writeRate, rows, shape.writes(), true, fence)) {
      Thread.sleep(500); // the load runs before the copy starts
      run = runner.run(shape.name() + "+writes", shape.step());
      during = load.stop();
    }
    long copied = count("SELECT count(*) FROM bench_dst");
    boolean exact = checksum(shape.source()).equals(checksum(shape.targetRows()));
    sql("DROP TABLE IF EXISTS bench_dst");
    double rowsPerSecond = copied / run.seconds;
    say(String.format(Locale.ROOT, "  backfill with the load: %.2f s, %,.0f rows/s; writes %s; exact %s; %s", run.seconds,
        rowsPerSecond, during, exact, run.outcome));
    return String.format(Locale.ROOT, "backfill case=%s+writes rows=%d limit_rows_per_s=%.0f rows_per_s=%.0f ratio=%.2f"
            + " walk=%s exact=%s write_p99_ms=%.1f baseline_write_p99_ms=%.1f batch_p99_ms=%d", shape.name(), copied,
        limitRowsPerSecond, rowsPerSecond, rowsPerSecond / limitRowsPerSecond, run.walk(), exact, during.p99(),
        baseline.p99(), run.batchP99);
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
