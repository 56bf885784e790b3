package cutover.activities.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.activities.ActivityEnvironments;
import cutover.activities.BeginRun;
import cutover.activities.LedgerActivities;
import cutover.activities.LedgerActivitiesImpl;
import cutover.activities.PartCall;
import cutover.activities.PartsCall;
import cutover.activities.SqlRunner;
import cutover.activities.StepActivities;
import cutover.activities.StepAction;
import cutover.activities.StepActivitiesImpl;
import cutover.activities.StepCall;
import cutover.activities.StepParts;
import cutover.activities.StepResult;
import cutover.activities.Targets;
import cutover.activities.steps.snapshot.SnapshotStep;
import cutover.plan.InvalidPlanException;
import cutover.plan.PlanParser;
import cutover.plan.PlanStep;
import cutover.testing.TestDatabase;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind that changes the database, through its whole life in a run (the idea of pgroll's
 * afterStart / afterComplete / afterRollback): each row of the table applies one step through
 * the real activities on an embedded PostgreSQL, looks at the database, applies it again (the
 * ledger makes that a no-op: nothing in the database moves), compensates, looks again, and
 * compensates again (a no-op too). It asserts on the step's result, its ledger rows
 * ({@code cutover.step}) and its report JSON ({@code cutover.step_report}), never on prose.
 */
class StepKindLifecycleTest {
  private static final String RUN = "run-1";
  private static final String STEP = "s";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a row looks at after apply or compensate: the database, the step's result, its report. */
  @FunctionalInterface
  interface Look {
    void at(Database db, StepResult result) throws Exception;

    Look NOTHING = (db, result) -> {};
  }

  /** After compensation: everything the step changed is back as before it ran, or it stays. */
  enum Undone {
    /** The database is as before apply (tables, columns, rows, flags). */
    RESTORED,
    /** The kind does not undo it (a check's fix, an irreversible step): the database stays as after apply. */
    KEPT
  }

  /**
   * One row of the table.
   *
   * @param setup SQL run before the step (tables and rows the step works on)
   * @param step the step's YAML, without its id (each row's step has id {@value #STEP})
   * @param allowFixes the run was started with {@code --allow-fixes}
   * @param between SQL run after apply and before compensate: what later steps of the phase do
   */
  record Case(String name, String setup, String step, boolean allowFixes, Look afterApply, String between,
      Undone undone, Look afterCompensate) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("sql: a column added, dropped by compensate:",
            "CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2), (3)",
            """
            kind: sql
            sql: ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 7
            compensate: ALTER TABLE t DROP COLUMN c
            """, false,
            (db, r) -> {
              assertEquals(0L, r.rows());
              assertEquals(21, db.count("SELECT sum(c) FROM t"));
            }, null, Undone.RESTORED,
            (db, r) -> assertEquals(0, db.count("SELECT count(*) FROM information_schema.columns WHERE table_name = 't'"
                + " AND column_name = 'c'"))),
        new Case("sql: rows inserted, deleted by compensate:",
            "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)",
            """
            kind: sql
            sql: INSERT INTO t SELECT g FROM generate_series(2, 4) g
            compensate: DELETE FROM t WHERE id > 1
            """, false,
            (db, r) -> {
              assertEquals(3L, r.rows());
              assertEquals(4, db.count("SELECT count(*) FROM t"));
            }, null, Undone.RESTORED,
            (db, r) -> assertEquals(3L, r.rows())),
        new Case("sql: irreversible, kept by a rollback",
            "CREATE TABLE t (id int, v text); INSERT INTO t VALUES (1, 'a'), (2, 'b')",
            """
            kind: sql
            sql: UPDATE t SET v = upper(v)
            irreversible: true
            """, false,
            (db, r) -> {
              assertEquals(2L, r.rows());
              assertEquals(2, db.count("SELECT count(*) FROM t WHERE v IN ('A', 'B')"));
            }, null, Undone.KEPT,
            (db, r) -> assertNull(r.rows())),
        new Case("backfill: a copy in two parts, removed by its own undo",
            "CREATE TABLE src (id int PRIMARY KEY, name text); INSERT INTO src SELECT g, 'n' || g FROM generate_series(1, 1500) g;"
                + " CREATE TABLE dst (id int PRIMARY KEY, name text); INSERT INTO dst VALUES (1000000, 'kept')",
            """
            kind: backfill
            from: src
            key: [id]
            into: dst
            columns: {id: id, name: name}
            partitions: 2
            batchSize: 100
            """, false,
            (db, r) -> {
              assertEquals(1500L, r.rows());
              assertEquals(1501, db.count("SELECT count(*) FROM dst"));
              assertEquals(0, db.count("SELECT count(*) FROM (SELECT * FROM src EXCEPT SELECT * FROM dst) missing"));
            }, null, Undone.RESTORED,
            (db, r) -> {
              assertEquals(1500L, r.rows());
              assertEquals(1, db.count("SELECT count(*) FROM dst WHERE id = 1000000"), "rows it did not copy stay");
            }),
        new Case("backfill: an update in place, undone by compensate:",
            "CREATE TABLE src (id int PRIMARY KEY, flagged boolean NOT NULL DEFAULT false);"
                + " INSERT INTO src (id) SELECT generate_series(1, 900)",
            """
            kind: backfill
            from: src
            key: [id]
            where: id % 3 = 0
            set: {flagged: "true"}
            batchSize: 100
            compensate: UPDATE src SET flagged = false WHERE flagged
            """, false,
            (db, r) -> {
              assertEquals(300L, r.rows());
              assertEquals(300, db.count("SELECT count(*) FROM src WHERE flagged"));
            }, null, Undone.RESTORED,
            (db, r) -> assertEquals(300L, r.rows())),
        new Case("flag: set for everyone, removed by a rollback",
            null,
            """
            kind: flag
            flag: maintenance
            enabled: true
            """, false,
            (db, r) -> {
              assertEquals(1L, r.rows());
              assertEquals("true", db.text("SELECT value FROM cutover.flag WHERE name = 'maintenance' AND tenant = ''"));
            }, null, Undone.RESTORED,
            (db, r) -> {
              assertEquals(1L, r.rows());
              assertEquals(0, db.count("SELECT count(*) FROM cutover.flag WHERE name = 'maintenance'"));
            }),
        new Case("flag: per tenant over a previous value, restored by a rollback",
            "INSERT INTO cutover.flag (name, tenant, value, updated_by) VALUES ('reads', 'acme', 'legacy', 'ops')",
            """
            kind: flag
            flag: reads
            value: new
            tenants: [acme, globex]
            """, false,
            (db, r) -> {
              assertEquals(2L, r.rows());
              assertEquals(2, db.count("SELECT count(*) FROM cutover.flag WHERE name = 'reads' AND value = 'new'"));
            }, null, Undone.RESTORED,
            (db, r) -> {
              assertEquals(2L, r.rows());
              assertEquals("legacy", db.text("SELECT value FROM cutover.flag WHERE name = 'reads' AND tenant = 'acme'"));
            }),
        new Case("check: fix: allowed, runs once and is kept by a rollback",
            "CREATE TABLE customers (id int PRIMARY KEY); INSERT INTO customers VALUES (1);"
                + " CREATE TABLE orders (id int PRIMARY KEY, customer int); INSERT INTO orders VALUES (10, 1), (11, 2), (12, 3)",
            """
            kind: check
            query: SELECT o.id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer) ORDER BY o.id
            fix: INSERT INTO customers SELECT DISTINCT customer FROM orders o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer)
            irreversible: true
            description: the missing customers are real; they stay after a rollback
            """, true,
            (db, r) -> {
              assertEquals(2L, r.rows());
              assertEquals(3, db.count("SELECT count(*) FROM customers"));
              JsonNode report = db.onlyReport();
              assertTrue(report.at("/passed").asBoolean());
              assertEquals(2, report.at("/found/rows").asInt());
              assertFalse(report.at("/found/holds").asBoolean());
              assertTrue(report.at("/fix/ran").asBoolean());
              assertEquals(2, report.at("/fix/rows").asInt());
              assertEquals(0, report.at("/after/rows").asInt());
              assertTrue(report.at("/after/holds").asBoolean());
            }, null, Undone.KEPT,
            (db, r) -> assertEquals(3, db.count("SELECT count(*) FROM customers"))),
        new Case("check: fix: with saves:, the rows before the fix put back by a rollback",
            "CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);"
                + " INSERT INTO customers VALUES (1, 'ann'), (2, 'bob');"
                + " CREATE TABLE orders (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer int REFERENCES customers,"
                + " amount numeric(10, 2) NOT NULL, note text, doubled numeric GENERATED ALWAYS AS (amount * 2) STORED);"
                + " INSERT INTO orders (customer, amount, note) VALUES (1, 1.50, 'a'), (NULL, 2.25, NULL), (NULL, 3, 'c'),"
                + " (2, 4, 'd'), (NULL, -1, 'e')",
            """
            kind: check
            query: SELECT id FROM orders WHERE customer IS NULL ORDER BY id
            fix: INSERT INTO customers VALUES (0, 'unknown'); UPDATE orders SET customer = 0, note = 'fixed' WHERE customer IS NULL AND amount > 0; DELETE FROM orders WHERE customer IS NULL
            saves:
              customers: all
              orders: customer IS NULL
            """, true,
            (db, r) -> {
              assertEquals(4L, r.rows());
              assertEquals(2, db.count("SELECT count(*) FROM orders WHERE customer = 0 AND note = 'fixed'"));
              assertEquals(4, db.count("SELECT count(*) FROM orders"));
              JsonNode report = db.onlyReport();
              assertTrue(report.at("/passed").asBoolean());
              assertEquals("customers", report.at("/fix/saved/0/table").asText());
              assertEquals(2, report.at("/fix/saved/0/rows").asInt());
              assertEquals("orders", report.at("/fix/saved/1/table").asText());
              assertEquals(3, report.at("/fix/saved/1/rows").asInt());
              assertEquals(5, db.count("SELECT count(*) FROM cutover.check_fix_row WHERE NOT added"));
              assertEquals(1, db.count("SELECT count(*) FROM cutover.check_fix_row WHERE added"), "customer 0");
            }, null, Undone.RESTORED,
            (db, r) -> {
              assertEquals(2 + 1 + 1 + 2L, r.rows(), "2 customers and 2 orders written back, 1 order re-inserted,"
                  + " 1 customer deleted");
              assertEquals(0, db.count("SELECT count(*) FROM cutover.check_fix_row"), "the kept rows are dropped");
              assertEquals(3, db.count("SELECT count(*) FROM orders WHERE customer IS NULL"));
              assertEquals("-2.00", db.text("SELECT doubled FROM orders WHERE id = 5"), "generated again");
            }),
        new Case("check: fix: with compensate:, run by a rollback because the fix ran",
            "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a'), (2, 'B')",
            """
            kind: check
            query: SELECT id FROM t WHERE v <> upper(v)
            fix: UPDATE t SET v = upper(v) WHERE v <> upper(v)
            compensate: UPDATE t SET v = 'a' WHERE id = 1
            """, true,
            (db, r) -> assertEquals("A", db.text("SELECT v FROM t WHERE id = 1")), null, Undone.RESTORED,
            (db, r) -> assertEquals(1L, r.rows())),
        new Case("snapshot: rows kept in a schema of the run, put back by a rollback after the phase changed them",
            CONTRACTS,
            """
            kind: snapshot
            tables: [contract_lines, contracts]
            """, false,
            (db, r) -> {
              assertEquals(8L, r.rows());
              JsonNode report = db.onlyReport();
              String schema = report.at("/schema").asText();
              assertEquals(SnapshotStep.schemaName(RUN, STEP), schema);
              assertEquals("contract_lines", report.at("/tables/0/table").asText());
              assertEquals(5, report.at("/tables/0/rows").asInt());
              assertEquals("contracts", report.at("/tables/1/table").asText());
              assertEquals(3, report.at("/tables/1/rows").asInt());
              assertEquals(5, db.count("SELECT count(*) FROM " + schema + ".contract_lines"));
              assertEquals(3, db.count("SELECT count(*) FROM " + schema + ".contracts"));
            },
            "DELETE FROM contract_lines WHERE qty > 1; UPDATE contracts SET name = 'changed';"
                + " INSERT INTO contracts (name) VALUES ('new'); INSERT INTO contract_lines VALUES (99, 4, 1)",
            Undone.RESTORED,
            (db, r) -> {
              assertEquals(8L, r.rows());
              assertEquals(0, db.count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'cutover\\_snapshot\\_%'"));
            }));
  }

  /** Two tables, one referencing the other, with an identity and a generated column. */
  private static final String CONTRACTS = "CREATE TABLE contracts (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
      + " name text NOT NULL, shout text GENERATED ALWAYS AS (upper(name)) STORED);"
      + " CREATE TABLE contract_lines (id int PRIMARY KEY, contract int NOT NULL REFERENCES contracts, qty int NOT NULL);"
      + " INSERT INTO contracts (name) VALUES ('a'), ('b'), ('c');"
      + " INSERT INTO contract_lines VALUES (1, 1, 1), (2, 1, 2), (3, 2, 1), (4, 3, 5), (5, 3, 1)";

  private Targets.Target target;
  private Targets targets;
  private TestActivityEnvironment env;
  private StepActivities steps;

  @BeforeEach
  void setUp() {
    target = TestDatabase.newDatabase("lifecycle");
    targets = Targets.of(List.of(target));
    env = ActivityEnvironments.create();
    env.registerActivitiesImplementations(
        new StepActivitiesImpl(new SqlRunner(targets, Duration.ofMillis(20), Duration.ofMillis(200))),
        new LedgerActivitiesImpl(targets));
    ActivityOptions options = ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
    steps = env.newActivityStub(StepActivities.class, options);
    env.newActivityStub(LedgerActivities.class, options)
        .beginRun(new BeginRun(target.name(), RUN, "p", "abc123", "wf-1", "alice", false));
  }

  @AfterEach
  void tearDown() {
    env.close();
    targets.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void appliesLooksCompensatesLooksAgain(Case row) throws Exception {
    Database db = new Database(target);
    if (row.setup() != null) {
      db.execute(row.setup());
    }
    PlanStep step = step(row.step());
    StepCall call = new StepCall(target.name(), RUN, "change", step, row.allowFixes());
    String before = db.fingerprint();

    StepResult applied = run(call, StepAction.APPLY);
    assertFalse(applied.recorded());
    assertEquals(StepAction.APPLY, applied.action());
    assertEquals(List.of(applied.rows()), db.ledgerRows("apply"));
    row.afterApply().at(db, applied);
    String afterApply = db.fingerprint();
    assertNotEquals(before, afterApply, "apply changed nothing");
    int reports = db.reports().size();

    StepResult again = run(call, StepAction.APPLY);
    assertTrue(again.recorded(), "the ledger answers the second apply");
    assertEquals(applied.rows(), again.rows());
    assertEquals(afterApply, db.fingerprint(), "the second apply changed the database");
    assertEquals(List.of(applied.rows()), db.ledgerRows("apply"));
    assertEquals(reports, db.reports().size(), "the second apply wrote a report");

    if (row.between() != null) {
      db.execute(row.between());
    }
    StepResult compensated = run(call, StepAction.COMPENSATE);
    assertFalse(compensated.recorded());
    assertEquals(StepAction.COMPENSATE, compensated.action());
    assertEquals(List.of(compensated.rows() == null ? -1L : compensated.rows()),
        db.ledgerRows("compensate").stream().map(r -> r == null ? -1L : r).toList());
    row.afterCompensate().at(db, compensated);
    String afterCompensate = db.fingerprint();
    assertEquals(row.undone() == Undone.RESTORED ? before : afterApply, afterCompensate,
        row.undone() == Undone.RESTORED ? "compensation left the database changed" : "compensation undid a kept change");

    StepResult compensatedAgain = run(call, StepAction.COMPENSATE);
    assertTrue(compensatedAgain.recorded(), "the ledger answers the second compensation");
    assertEquals(compensated.rows(), compensatedAgain.rows());
    assertEquals(afterCompensate, db.fingerprint(), "the second compensation changed the database");
    assertEquals(1, db.ledgerRows("compensate").size());
  }

  /**
   * A rollback runs compensations in reverse order: a later step's schema change is undone by its
   * own compensation before the snapshot puts the rows back, so the tables end as they were.
   */
  @Test
  void aSnapshotRestoresRowsAfterTheLaterStepsOfItsPhaseAreUndone() throws Exception {
    Database db = new Database(target);
    db.execute(CONTRACTS);
    String before = db.fingerprint();
    PlanStep snapshot = step("keep", """
        kind: snapshot
        tables: [contracts, contract_lines]
        """);
    PlanStep reshape = step("reshape", """
        kind: sql
        sql: ALTER TABLE contracts ADD COLUMN region text NOT NULL DEFAULT 'eu'; UPDATE contracts SET region = 'us', name = 'x'; DELETE FROM contract_lines WHERE contract = 3
        compensate: ALTER TABLE contracts DROP COLUMN region
        """);
    run(call(snapshot), StepAction.APPLY);
    run(call(reshape), StepAction.APPLY);

    assertEquals(0L, run(call(reshape), StepAction.COMPENSATE).rows());
    assertEquals(8L, run(call(snapshot), StepAction.COMPENSATE).rows());

    assertEquals(before, db.fingerprint());
  }

  /** A table that an unlisted table references cannot be truncated: the restore fails whole and keeps the snapshot. */
  @Test
  void aSnapshotRefusesToRestoreATableReferencedFromOutsideIt() throws Exception {
    Database db = new Database(target);
    db.execute(CONTRACTS);
    PlanStep snapshot = step("""
        kind: snapshot
        tables: [contracts]
        """);
    run(call(snapshot), StepAction.APPLY);
    db.execute("UPDATE contracts SET name = 'changed'");

    ActivityFailure failure = assertThrows(ActivityFailure.class, () -> run(call(snapshot), StepAction.COMPENSATE));

    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals("StepFailed", cause.getType());
    assertTrue(cause.isNonRetryable());
    assertEquals(List.of(), db.ledgerRows("compensate"));
    assertEquals(3, db.count("SELECT count(*) FROM contracts WHERE name = 'changed'"), "nothing was restored");
    assertEquals(3, db.count("SELECT count(*) FROM " + SnapshotStep.schemaName(RUN, STEP) + ".contracts"),
        "the snapshot is kept");
  }

  /** Columns of many types, with NULLs, awkward values and a composite key. */
  private static final String WIDE = "CREATE TYPE mood AS ENUM ('low', 'high');"
      + " CREATE TABLE wide (tenant int, id bigint, n numeric, d double precision, r real, j jsonb, b bytea,"
      + " at timestamptz, span interval, tags text[], m mood, t text, PRIMARY KEY (tenant, id));"
      + " INSERT INTO wide VALUES (1, 1, 1.50, 0.1, 1.25, '{\"a\": [1, 2.50]}', '\\x00ff', '2026-01-01 10:00+02', '1 day 2 h',"
      + " ARRAY['x', NULL, 'q\"uote'], 'low', E'tab\\there'), (1, 2, NULL, 'NaN', '-Infinity', 'null', '', 'infinity', NULL,"
      + " '{}', NULL, ''), (2, 1, 123456789012345678901234567890.123456789, 1e300, 3.4e38, '[]', NULL, NULL, '-3 months',"
      + " NULL, 'high', NULL)";

  /** Per table, its row count and a checksum of its rows in key order. */
  private static String checksums(Database db, String... tables) throws SQLException {
    StringBuilder sums = new StringBuilder();
    for (String table : tables) {
      sums.append(table).append(' ').append(db.text("SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, '|'"
          + " ORDER BY r::text)), '-') FROM " + table + " r")).append('\n');
    }
    return sums.toString();
  }

  /** The rows a fix saved as JSON come back exactly, for every type: checksums equal before the fix and after the rollback. */
  @Test
  void aFixUndoneByRollbackLeavesEveryTypeAsBeforeTheFix() throws Exception {
    Database db = new Database(target);
    db.execute(WIDE);
    String before = checksums(db, "wide");
    PlanStep check = step("""
        kind: check
        query: SELECT tenant, id FROM wide WHERE tenant = 1 AND t IS NOT NULL AND t <> 'fixed'
        fix: UPDATE wide SET n = 0, d = 0, r = 0, j = '{}', b = NULL, at = now(), span = NULL, tags = NULL, m = NULL, t = 'fixed' WHERE tenant = 1; DELETE FROM wide WHERE tenant = 2; INSERT INTO wide (tenant, id, t) VALUES (1, 3, 'fixed')
        saves: {wide: "tenant = 1 OR tenant = 2"}
        """);
    StepCall call = new StepCall(target.name(), RUN, "change", check, true);
    run(call, StepAction.APPLY);
    assertEquals(3, db.count("SELECT count(*) FROM wide WHERE t = 'fixed'"));
    assertNotEquals(before, checksums(db, "wide"));

    StepResult undone = run(call, StepAction.COMPENSATE);

    assertEquals(before, checksums(db, "wide"), "the rows are as before the fix");
    assertEquals(2 + 1 + 1L, undone.rows(), "2 written back, 1 re-inserted, 1 added deleted");
  }

  /** A fix that does not make its check hold is rolled back: the step fails, and nothing is left to undo. */
  @Test
  void aFixThatDoesNotMakeTheCheckHoldChangesNothing() throws Exception {
    Database db = new Database(target);
    db.execute("CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, -1), (2, -2)");
    String before = checksums(db, "t");
    PlanStep check = step("""
        kind: check
        query: SELECT id FROM t WHERE v < 0
        fix: UPDATE t SET v = 0 WHERE id = 1
        saves: {t: all}
        """);
    StepCall call = new StepCall(target.name(), RUN, "change", check, true);

    ActivityFailure failure = assertThrows(ActivityFailure.class, () -> run(call, StepAction.APPLY));

    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals("VerificationFailed", cause.getType());
    assertTrue(cause.getOriginalMessage().contains("the fix was rolled back"), cause.getOriginalMessage());
    assertEquals(before, checksums(db, "t"));
    assertTrue(db.onlyReport().at("/fix/rolledBack").asBoolean());
    assertEquals(0, db.count("SELECT count(*) FROM cutover.check_fix"));
    assertEquals(List.of(), db.ledgerRows("apply"));
  }

  /** A snapshot keeps every type exactly: checksums equal before the snapshot and after the rollback. */
  @Test
  void aSnapshotRestoredByRollbackLeavesEveryTypeAsBefore() throws Exception {
    Database db = new Database(target);
    db.execute(WIDE + "; " + CONTRACTS);
    String before = checksums(db, "wide", "contracts", "contract_lines");
    PlanStep snapshot = step("""
        kind: snapshot
        tables: [wide, contracts, contract_lines]
        """);
    run(call(snapshot), StepAction.APPLY);
    db.execute("UPDATE wide SET n = n + 1, j = '{}'; DELETE FROM wide WHERE tenant = 2; INSERT INTO wide (tenant, id) VALUES (9, 9);"
        + " DELETE FROM contract_lines; UPDATE contracts SET name = 'x'");

    run(call(snapshot), StepAction.COMPENSATE);

    assertEquals(before, checksums(db, "wide", "contracts", "contract_lines"));
  }

  @Test
  void snapshotSchemasAreValidDistinctIdentifiers() {
    String longRun = "run-" + "x".repeat(300);
    assertNotEquals(SnapshotStep.schemaName("run-1", "keep"), SnapshotStep.schemaName("run_1", "keep"));
    assertNotEquals(SnapshotStep.schemaName(longRun + "a", "keep"), SnapshotStep.schemaName(longRun + "b", "keep"));
    for (String schema : List.of(SnapshotStep.schemaName("Run-1", "keep"), SnapshotStep.schemaName(longRun, "keep"))) {
      assertTrue(schema.matches("cutover_snapshot_[a-z0-9_]+") && schema.length() <= 63, schema);
    }
  }

  private StepCall call(PlanStep step) {
    return new StepCall(target.name(), RUN, "change", step);
  }

  /** The step as a validated one-step plan gives it. */
  static PlanStep step(String fields) {
    return step(STEP, fields);
  }

  static PlanStep step(String id, String fields) {
    String yaml = "name: p\ntarget: t\nphases:\n  - name: change\n    steps:\n      - id: " + id + "\n"
        + fields.lines().map(line -> "        " + line + "\n").reduce("", String::concat);
    try {
      return PlanParser.parse(yaml, "lifecycle.yaml", Set.of("t"), StepKinds.ALL).step(id).orElseThrow();
    } catch (InvalidPlanException e) {
      throw new IllegalArgumentException(e.getMessage() + "\n" + yaml, e);
    }
  }

  /** Apply or compensate as the phase workflow does: a batched kind's parts first, then the step's record. */
  private StepResult run(StepCall call, StepAction action) {
    if (StepKinds.ALL.of(call.step()) instanceof BatchedKind<?>) {
      StepParts parts = steps.prepareParts(new PartsCall(call, action));
      for (int part = 0; part < parts.parts(); part++) {
        steps.runPart(new PartCall(call, action, part, parts.parts()));
      }
    }
    return action == StepAction.APPLY ? steps.apply(call) : steps.compensate(call);
  }

  /** The target database as the test sees it, through a plain connection. */
  record Database(Targets.Target target) {
    void execute(String sql) throws SQLException {
      try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement()) {
        s.execute(sql);
      }
    }

    long count(String sql) throws SQLException {
      return Long.parseLong(text(sql));
    }

    String text(String sql) throws SQLException {
      List<String> values = column(sql);
      assertEquals(1, values.size(), "one value from " + sql);
      return values.get(0);
    }

    List<String> column(String sql) throws SQLException {
      try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        List<String> values = new ArrayList<>();
        while (rs.next()) {
          values.add(rs.getString(1));
        }
        return values;
      }
    }

    /** rows_affected of the step's ledger rows for the action (null where it has none). */
    List<Long> ledgerRows(String action) throws SQLException {
      return column("SELECT rows_affected FROM cutover.step WHERE run_id = '" + RUN + "' AND step_id = '" + STEP
          + "' AND action = '" + action + "'").stream().map(v -> v == null ? null : Long.parseLong(v)).toList();
    }

    List<JsonNode> reports() throws Exception {
      List<JsonNode> reports = new ArrayList<>();
      for (String report : column("SELECT report FROM cutover.step_report WHERE run_id = '" + RUN + "' AND step_id = '"
          + STEP + "' ORDER BY id")) {
        reports.add(JSON.readTree(report));
      }
      return reports;
    }

    JsonNode onlyReport() throws Exception {
      List<JsonNode> reports = reports();
      assertEquals(1, reports.size(), "one report");
      return reports.get(0);
    }

    /**
     * Everything a step may change, as text: the schemas, every table's columns and rows outside
     * the ledger, and the flags (name, tenant, value). Equal texts: the same database for a step.
     */
    String fingerprint() throws SQLException {
      StringBuilder print = new StringBuilder();
      String user = " NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'cutover')";
      print.append(column("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname" + user
          + " ORDER BY 1"));
      for (String table : column("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM"
          + " information_schema.tables WHERE table_schema" + user + " ORDER BY 1")) {
        print.append('\n').append(table).append(' ')
            .append(column("SELECT column_name || ' ' || data_type || ' ' || is_nullable || ' '"
                + " || coalesce(column_default, '') FROM information_schema.columns WHERE table_schema || '.' ||"
                + " table_name = '" + table.replace("\"", "") + "' ORDER BY ordinal_position"))
            .append(' ').append(text("SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, '|' ORDER BY"
                + " r::text)), '-') FROM " + table + " r"));
      }
      print.append("\nflags ").append(column("SELECT name || '/' || tenant || '=' || value FROM cutover.flag ORDER BY 1"));
      return print.toString();
    }
  }
}
