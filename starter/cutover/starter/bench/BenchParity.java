package cutover.starter.bench;

import cutover.activities.BeginRun;
import cutover.activities.LedgerActivitiesImpl;
import cutover.activities.SqlRunner;
import cutover.activities.StepActivitiesImpl;
import cutover.activities.StepCall;
import cutover.activities.StepResult;
import cutover.activities.Targets;
import cutover.activities.steps.StepKinds;
import cutover.plan.PlanParser;
import cutover.plan.PlanStep;
import cutover.starter.CutoverCli;
import io.temporal.failure.ApplicationFailure;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cutover bench parity}: the parity step against the database's own hashing time. */
final class BenchParity {
  private BenchParity() {}

  /**
   * The parity step against the database's own hashing time, in one run: two tables of N rows
   * that differ in three rows (one missing, one extra, one changed), each hashed once by the
   * database (the baseline), then compared by the parity step as a run applies it.
   */
  @Command(name = "parity", mixinStandardHelpOptions = true,
      description = {"Time the parity step on two tables of N rows against the time PostgreSQL needs to hash both once.",
          "Ends with: parity rows=N seconds=S hash_both_seconds=H ratio=R"})
  static final class Parity implements Callable<Integer> {
    static final String COLUMNS = "tenant, id, name, amount, created_at, note";

    @Spec CommandSpec spec;

    @Option(names = "--rows", defaultValue = "5000000", description = "rows per table (default: ${DEFAULT-VALUE})")
    long rows;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      if (rows < 10) {
        spec.commandLine().getErr().println("--rows must be at least 10");
        return CutoverCli.BAD_INPUT;
      }
      out.println("starting an embedded PostgreSQL ...");
      out.flush();
      try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
        Targets.Target target = new Targets.Target("bench",
            "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres", "postgres", null);
        try (Targets targets = Targets.of(List.of(target)); Connection c = postgres.getPostgresDatabase().getConnection();
            Statement sql = c.createStatement()) {
          long loading = System.nanoTime();
          load(sql, rows);
          out.printf(Locale.ROOT, "loaded legacy and fresh, %,d rows each, 3 rows differing (%.1f s)%n", rows,
              seconds(loading));
          out.flush();

          hashOnce(sql, "legacy");
          hashOnce(sql, "fresh"); // warm both the same way before measuring
          long hashing = System.nanoTime();
          hashOnce(sql, "legacy");
          hashOnce(sql, "fresh");
          double hashBoth = seconds(hashing);
          out.printf(Locale.ROOT, "PostgreSQL hashes both tables once: %.2f s%n", hashBoth);
          out.flush();

          new LedgerActivitiesImpl(targets).beginRun(new BeginRun("bench", "bench", "bench", "0", "bench", "bench", false));
          PlanStep step = PlanParser.parse("""
              name: bench
              target: bench
              phases:
                - name: compare
                  steps:
                    - id: parity
                      kind: parity
                      legacy: {table: legacy}
                      new: {table: fresh}
                      key: [tenant, id]
                      statementTimeout: 1h
              """, "bench.yaml", null, StepKinds.ALL).phases().get(0).steps().get(0);
          StepActivitiesImpl steps = new StepActivitiesImpl(new SqlRunner(targets));
          long comparing = System.nanoTime();
          String outcome;
          try {
            StepResult result = steps.apply(new StepCall("bench", "bench", "compare", step));
            outcome = result.outcome();
          } catch (ApplicationFailure mismatch) {
            outcome = mismatch.getOriginalMessage();
          }
          double parity = seconds(comparing);
          out.println("parity step: " + outcome);
          try (ResultSet rs = sql.executeQuery("SELECT report::jsonb #>> '{rows,sampleMillis}', "
              + "report::jsonb #>> '{rows,hashMillis}', report::jsonb #>> '{rows,recheckMillis}', "
              + "report::jsonb #>> '{rows,chunks}' FROM cutover.step_report ORDER BY id DESC LIMIT 1")) {
            if (rs.next()) {
              out.printf(Locale.ROOT, "parity stages: key sample %s ms, hashing both sides in %s chunks %s ms, "
                  + "recheck of differing chunks %s ms%n", rs.getString(1), rs.getString(4), rs.getString(2),
                  rs.getString(3));
            }
          }
          out.printf(Locale.ROOT, "parity rows=%d seconds=%.2f hash_both_seconds=%.2f ratio=%.2f%n", rows, parity,
              hashBoth, parity / hashBoth);
          out.flush();
        }
      }
      return CutoverCli.OK;
    }

    private static void load(Statement sql, long rows) throws Exception {
      sql.execute("SET synchronous_commit = off");
      sql.execute("""
          CREATE TABLE legacy (
            tenant uuid NOT NULL, id uuid NOT NULL, name text NOT NULL, amount numeric(12,2),
            created_at timestamptz NOT NULL, note text)""");
      sql.execute("INSERT INTO legacy SELECT ('00000000-0000-0000-0000-00000000000' || (g % 3))::uuid, "
          + "md5(g::text)::uuid, 'name ' || g, (g % 100000) / 100.0, timestamptz '2024-01-01' + g * interval '1 second', "
          + "repeat('n', 40 + (g % 20)) FROM generate_series(1, " + rows + ") g");
      sql.execute("CREATE TABLE fresh AS SELECT " + COLUMNS + " FROM legacy");
      sql.execute("ALTER TABLE legacy ADD PRIMARY KEY (tenant, id)");
      sql.execute("ALTER TABLE fresh ADD PRIMARY KEY (tenant, id)");
      sql.execute("DELETE FROM fresh WHERE id = md5('7')::uuid");
      sql.execute("INSERT INTO fresh VALUES ('00000000-0000-0000-0000-000000000001', md5('extra')::uuid, 'extra', 1, "
          + "now(), 'extra')");
      sql.execute("UPDATE fresh SET name = 'changed' WHERE id = md5('" + (rows / 2) + "')::uuid");
      sql.execute("VACUUM ANALYZE legacy");
      sql.execute("VACUUM ANALYZE fresh");
      sql.execute("CHECKPOINT"); // so the load's dirty pages are not written out during the measurements
    }

    /** The baseline: the database reads every row of the table and hashes it, once. */
    private static void hashOnce(Statement sql, String table) throws Exception {
      try (ResultSet rs = sql.executeQuery("SELECT count(*), sum(hashtextextended(ROW(" + COLUMNS + ")::text, 0)) FROM "
          + table)) {
        rs.next();
      }
    }

    private static double seconds(long since) {
      return (System.nanoTime() - since) / 1e9;
    }
  }
}
