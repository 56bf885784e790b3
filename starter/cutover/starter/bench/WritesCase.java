package cutover.starter.bench;

import cutover.activities.PlanPushResult;
import cutover.starter.PlanCommand;
import cutover.worker.TemporalConnection;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.CutoverPhaseWorkflow;
import cutover.workflows.PhaseRequest;
import cutover.workflows.PhaseResult;
import cutover.workflows.RunState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A case of {@code cutover bench backfill} under a concurrent insert/update/delete load on
 * bench_src ({@link BenchBackfill.WriteLoad}, mixed): first the load alone (the writers'
 * baseline), then the load started before the backfill and running through it. The backfill
 * captures the changed keys and replays them; at the end the target is compared with the source
 * by checksum. Its line: {@code backfill case=NAME+writes rows=N limit_rows_per_s=X rows_per_s=Y
 * ratio=R walk=W exact=true|false write_p99_ms=A baseline_write_p99_ms=B}.
 */
final class WritesCase {
  /**
   * A case's copy.
   *
   * @param name the case, e.g. {@code int}
   * @param step the backfill step's fields after {@code kind: backfill}, indented by 8, reading bench_src
   * @param target the table the step copies into; created empty by {@code createTarget}
   * @param createTarget SQL that creates the empty target
   * @param source what the target must equal at the end: a SELECT over bench_src with the step's columns and filter
   * @param targetRows the target's rows, as a SELECT with the same columns
   * @param limitRowsPerSecond the case's single-statement limit, measured in the same run
   * @param walk the walk the step takes
   */
  record Shape(String name, String step, String target, String createTarget, String source, String targetRows,
      double limitRowsPerSecond, String walk) {}

  private final DataSource db;
  private final TemporalConnection temporal;
  private final String targetName;
  private final PrintWriter out;
  private final int writeRate;
  private final long rows;

  WritesCase(DataSource db, TemporalConnection temporal, String targetName, PrintWriter out, int writeRate, long rows) {
    this.db = db;
    this.temporal = temporal;
    this.targetName = targetName;
    this.out = out;
    this.writeRate = writeRate;
    this.rows = rows;
  }

  /** Runs the case with and without the backfill; returns its machine-readable line. */
  String run(Shape shape, long baselineSeconds) throws Exception {
    String fence = "SELECT count(*) > " + count("SELECT count(*) FROM cutover.step WHERE step_id = 'backfill'"
        + " AND action = 'apply'") + " FROM cutover.step WHERE step_id = 'backfill' AND action = 'apply'";
    say(String.format(Locale.ROOT, "%s+writes: the write load alone, %d ops/s for %d s (UPDATEs, INSERTs, DELETEs)",
        shape.name(), writeRate, baselineSeconds));
    BenchBackfill.WriteLoad.Latencies baseline;
    try (BenchBackfill.WriteLoad load = new BenchBackfill.WriteLoad(db, writeRate, rows, true, fence)) {
      Thread.sleep(baselineSeconds * 1000);
      baseline = load.stop();
    }
    say("  " + baseline);
    sql("DROP TABLE IF EXISTS " + shape.target());
    sql(shape.createTarget());
    sql("CHECKPOINT");
    BenchBackfill.WriteLoad.Latencies during;
    double seconds;
    String outcome;
    try (BenchBackfill.WriteLoad load = new BenchBackfill.WriteLoad(db, writeRate, rows, true, fence)) {
      Thread.sleep(500); // the load runs before the copy starts
      long started = System.nanoTime();
      outcome = backfill(shape);
      seconds = (System.nanoTime() - started) / 1e9;
      during = load.stop();
    }
    long copied = count("SELECT count(*) FROM " + shape.target());
    boolean exact = checksum(shape.source()).equals(checksum(shape.targetRows()));
    sql("DROP TABLE IF EXISTS " + shape.target());
    double rowsPerSecond = copied / seconds;
    say(String.format(Locale.ROOT, "  backfill with the load: %.2f s, %,.0f rows/s; writes %s; exact %s; %s", seconds,
        rowsPerSecond, during, exact, outcome));
    return String.format(Locale.ROOT, "backfill case=%s+writes rows=%d limit_rows_per_s=%.0f rows_per_s=%.0f ratio=%.2f"
            + " walk=%s exact=%s write_p99_ms=%.1f baseline_write_p99_ms=%.1f", shape.name(), copied,
        shape.limitRowsPerSecond(), rowsPerSecond, rowsPerSecond / shape.limitRowsPerSecond(), shape.walk(), exact,
        during.p99(), baseline.p99());
  }

  /** Runs the case's backfill as a phase workflow; returns the step's outcome. */
  private String backfill(Shape shape) throws Exception {
    String planName = "bench-" + shape.name().replaceAll("[^a-z0-9]+", "-") + "-writes";
    String plan = "name: " + planName + "\ntarget: " + targetName + "\nphases:\n  - name: backfill\n    steps:\n"
        + "      - id: backfill\n        kind: backfill\n" + shape.step();
    PlanPushResult pushed = PlanCommand.Push.push(temporal, plan, planName + ".yaml", targetName, "bench");
    if (!pushed.problems().isEmpty()) {
      throw new IllegalStateException("bench plan is invalid: " + pushed.problems());
    }
    String workflowId = planName + "-" + UUID.randomUUID().toString().substring(0, 8);
    CutoverPhaseWorkflow phase = temporal.client().newWorkflowStub(CutoverPhaseWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId(workflowId).build());
    WorkflowClient.start(phase::run, new PhaseRequest(planName, targetName, null, "backfill", null, "bench", null));
    PhaseResult result = WorkflowStub.fromTyped(phase).getResult(PhaseResult.class);
    if (result.state() != RunState.COMPLETED) {
      throw new IllegalStateException("backfill " + shape.name() + "+writes ended " + result.state() + ": " + result.steps());
    }
    return result.steps().isEmpty() ? "" : result.steps().get(0).outcome();
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
