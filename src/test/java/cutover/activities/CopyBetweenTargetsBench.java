package cutover.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cutover.activities.steps.StepKinds;
import cutover.plan.PlanParser;
import cutover.plan.PlanStep;
import cutover.testing.TestDatabase;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Rates of a copy between two targets (two databases of the embedded server) against one
 * {@code INSERT ... SELECT} within a database, and COPY against JDBC-batched inserts. Not part of
 * the build: {@code mvn -o -q test -Dtest=CopyBetweenTargetsBench -Dcutover.bench.rows=1000000}.
 */
@EnabledIfSystemProperty(named = "cutover.bench.rows", matches = "\\d+")
class CopyBetweenTargetsBench {
  static final String TABLE = "(id bigint PRIMARY KEY, email text NOT NULL, score numeric(8,2), joined timestamptz,"
      + " note text)";

  @Test
  void rates() throws Exception {
    int rows = Integer.getInteger("cutover.bench.rows");
    Targets.Target prod = TestDatabase.newDatabase("prod");
    Targets.Target staging = TestDatabase.newDatabase("staging");
    execute(staging, "CREATE TABLE users " + TABLE + "; INSERT INTO users SELECT g, 'u' || g || '@example.org',"
        + " (g % 1000) / 7.0, timestamptz '2026-01-01 00:00+00' + g * interval '1 second', repeat('n', 40) || g"
        + " FROM generate_series(1, " + rows + ") g");
    execute(staging, "VACUUM ANALYZE users");
    execute(staging, "CREATE TABLE users_copy " + TABLE);
    long insertSelect = millis(() -> execute(staging, "INSERT INTO users_copy SELECT * FROM users"));
    report("one INSERT ... SELECT within the source database", rows, insertSelect);
    try (Targets targets = Targets.of(List.of(prod, staging))) {
      TestActivityEnvironment env = ActivityEnvironments.create();
      env.registerActivitiesImplementations(new StepActivitiesImpl(targets), new LedgerActivitiesImpl(targets));
      ActivityOptions options = ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(30))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build();
      StepActivities steps = env.newActivityStub(StepActivities.class, options);
      env.newActivityStub(LedgerActivities.class, options)
          .beginRun(new BeginRun("prod", "bench", "plan", "abc", "wf-bench", "bench", false));
      int n = 0;
      for (String variant : List.of("", "batchSize: 50000\n", "onConflict: nothing\n", "textCopy")) {
        String table = "users_" + ++n;
        boolean text = variant.equals("textCopy");
        execute(prod, "CREATE TABLE " + table + " " + (text ? TABLE.replace("id bigint", "id integer") : TABLE));
        PlanStep step = step("copy-" + n, "fromTarget: staging\nfrom: users\nkey: [id]\ninto: " + table
            + "\ncolumns: {id: id, email: email, score: score, joined: joined, note: note}\n" + (text ? "" : variant));
        StepCall call = new StepCall("prod", "bench", "copy", step);
        long took = millis(() -> {
          StepParts parts = steps.prepareParts(new PartsCall(call, StepAction.APPLY));
          for (int i = 0; i < parts.parts(); i++) {
            System.out.println(steps.runPart(new PartCall(call, StepAction.APPLY, i, parts.parts())).summary());
          }
          steps.apply(call);
        });
        assertEquals(rows, TestDatabase.count(prod, "SELECT count(*) FROM " + table));
        report("copy between targets" + (variant.isEmpty() ? " (batch size adapting to 60 ms)"
            : text ? " (COPY text: destination id integer)" : " (" + variant.strip() + ")"), rows, took);
      }
      env.close();
    }
    int batched = Math.min(rows, 100_000);
    execute(prod, "CREATE TABLE users_batched " + TABLE);
    long inserts = millis(() -> batchedInserts(staging, prod, batched));
    report("JDBC-batched INSERTs of 1,000 rows between the databases (" + batched + " rows)", batched, inserts);
  }

  /** The other way to move rows: read them as objects, insert them with batched prepared statements. */
  private static void batchedInserts(Targets.Target from, Targets.Target to, int rows) throws SQLException {
    try (Connection source = TestDatabase.connect(from); Connection destination = TestDatabase.connect(to)) {
      source.setAutoCommit(false);
      destination.setAutoCommit(false);
      try (Statement read = source.createStatement(); PreparedStatement insert = destination.prepareStatement(
          "INSERT INTO users_batched VALUES (?, ?, ?, ?, ?)")) {
        read.setFetchSize(10_000);
        try (ResultSet rs = read.executeQuery("SELECT * FROM users ORDER BY id LIMIT " + rows)) {
          int pending = 0;
          while (rs.next()) {
            for (int i = 1; i <= 5; i++) {
              insert.setObject(i, rs.getObject(i));
            }
            insert.addBatch();
            if (++pending == 1_000) {
              insert.executeBatch();
              destination.commit();
              pending = 0;
            }
          }
          insert.executeBatch();
          destination.commit();
        }
      }
      source.commit();
    }
  }

  private interface Work {
    void run() throws Exception;
  }

  private static long millis(Work work) throws Exception {
    long started = System.nanoTime();
    work.run();
    return (System.nanoTime() - started) / 1_000_000;
  }

  private static void report(String what, long rows, long millis) {
    System.out.printf(Locale.ROOT, "BENCH %-75s %,10d rows in %,7d ms: %,9.0f rows/s%n", what, rows, millis,
        rows * 1000.0 / Math.max(1, millis));
  }

  private static PlanStep step(String id, String fields) throws Exception {
    String yaml = "name: p\ntarget: prod\nphases:\n  - name: copy\n    steps:\n      - id: " + id + "\n        kind: backfill\n"
        + fields.lines().map(line -> "        " + line + "\n").reduce("", String::concat);
    return PlanParser.parse(yaml, "bench.yaml", Set.of("prod", "staging"), StepKinds.ALL).step(id).orElseThrow();
  }

  private static void execute(Targets.Target target, String sql) throws SQLException {
    try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
