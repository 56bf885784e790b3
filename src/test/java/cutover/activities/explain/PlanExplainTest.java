package cutover.activities.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.PlanActivities;
import cutover.activities.PlanActivitiesImpl;
import cutover.activities.PlanRef;
import cutover.activities.Plans;
import cutover.activities.Targets;
import cutover.activities.steps.StepKinds;
import cutover.plan.Plan;
import cutover.plan.PlanParser;
import cutover.plan.sql.LockLevel;
import cutover.plan.sql.SqlAnalysis;
import cutover.plan.sql.SqlStatement;
import cutover.testing.TestDatabase;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Explain against a real PostgreSQL: the lock each statement takes is the one PostgreSQL holds
 * (pg_locks), row estimates come from the statistics, times from the rates the ledger measured.
 */
class PlanExplainTest {
  static final int ORDERS = 20_000;
  private static Targets.Target database;
  private static Targets targets;

  static final String PLAN = """
      name: explained
      target: demo
      phases:
        - name: copy
          steps:
            - id: copy-closed
              kind: backfill
              from: orders
              key: [id]
              where: status = 'closed'
              into: orders_archive
              columns: {id: id, status: status}
            - id: touch-open
              kind: sql
              sql: |
                UPDATE orders SET note = 'x' WHERE status = 'open';
                CREATE INDEX orders_status_idx ON orders (status);
              compensate: DROP INDEX IF EXISTS orders_status_idx; UPDATE orders SET note = NULL
              lint: {allow: [index-blocks-writes], because: a test table}
            - id: approve
              kind: approval
              approvers: [alice, bob]
              approvals: 2
            - id: settle
              kind: wait
              for: 3d
            - id: soak
              kind: soak
              every: 1h
              for: 7d
              check: {query: SELECT 1 WHERE false}
      """;

  @BeforeAll
  static void database() throws Exception {
    database = TestDatabase.newDatabase("demo");
    targets = Targets.of(List.of(database));
    try (Connection c = TestDatabase.connect(database); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE customers (id int PRIMARY KEY)");
      s.execute("CREATE TABLE orders (id int PRIMARY KEY, customer int, status text, total int, note text)");
      s.execute("INSERT INTO customers SELECT g FROM generate_series(1, 100) g");
      // one order in ten is closed
      s.execute("INSERT INTO orders SELECT g, 1 + g % 100, CASE WHEN g % 10 = 0 THEN 'closed' ELSE 'open' END, g, NULL"
          + " FROM generate_series(1, " + ORDERS + ") g");
      s.execute("CREATE TABLE orders_archive (id int, status text)");
      s.execute("ANALYZE");
    }
    targets.dsl(database.name()); // migrates the ledger
    try (Connection c = TestDatabase.connect(database); Statement s = c.createStatement()) {
      // an earlier run of this plan copied 6,000 rows in 12 s with two parts
      s.execute("INSERT INTO cutover.run (run_id, plan_name, plan_hash, target, workflow_id, state, started_by, ended_at)"
          + " VALUES ('earlier', 'explained', 'h', 'demo', 'w', 'completed', 'test', now())");
      s.execute("INSERT INTO cutover.backfill_checkpoint (run_id, step_id, action, part, parts, key_types, rows_done,"
          + " state, started_at, updated_at) VALUES"
          + " ('earlier', 'copy-closed', 'apply', 0, 2, '[]', 2500, 'done', '2026-11-01 10:00:00Z', '2026-11-01 10:00:10Z'),"
          + " ('earlier', 'copy-closed', 'apply', 1, 2, '[]', 3500, 'done', '2026-11-01 10:00:01Z', '2026-11-01 10:00:12Z')");
    }
  }

  @AfterAll
  static void close() {
    targets.close();
  }

  /** The strongest lock the statement holds on orders, as the analysis says and as PostgreSQL shows it. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "SELECT count(*) FROM orders",
      "UPDATE orders SET note = 'y' WHERE id = 1",
      "DELETE FROM orders WHERE id = -1",
      "INSERT INTO orders (id) SELECT -id FROM customers WHERE id < 0",
      "CREATE INDEX orders_total_idx ON orders (total)",
      "ALTER TABLE orders ADD CONSTRAINT orders_customer_fkey FOREIGN KEY (customer) REFERENCES customers (id) NOT VALID",
      "ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID",
      "ALTER TABLE orders ALTER COLUMN total SET STATISTICS 200",
      "ALTER TABLE orders ALTER COLUMN status SET NOT NULL",
      "ALTER TABLE orders ADD COLUMN flag boolean DEFAULT false",
      "ALTER TABLE orders RENAME COLUMN note TO remark",
      "LOCK TABLE orders IN SHARE MODE",
      "LOCK TABLE orders IN ROW EXCLUSIVE MODE",
      "TRUNCATE orders",
      "DROP TABLE orders",
  })
  void theLockIsTheOnePostgresqlTakes(String sql) throws Exception {
    SqlStatement statement = SqlAnalysis.analyze(sql).get(0);
    LockLevel said = statement.locks().stream().filter(l -> l.table().equals("orders")).findFirst().orElseThrow().level();
    assertEquals(said, heldOnOrders(sql), sql);
  }

  @Test
  void validateTakesShareUpdateExclusive() throws Exception {
    String add = "ALTER TABLE orders ADD CONSTRAINT orders_total_ok CHECK (total > 0) NOT VALID";
    String validate = "ALTER TABLE orders VALIDATE CONSTRAINT orders_total_ok";
    assertEquals(LockLevel.SHARE_UPDATE_EXCLUSIVE, SqlAnalysis.analyze(validate).get(0).strongestLock());
    try (Connection c = TestDatabase.connect(database); Statement s = c.createStatement()) {
      s.execute(add);
      try {
        assertEquals(LockLevel.SHARE_UPDATE_EXCLUSIVE, heldOnOrders(validate));
      } finally {
        s.execute("ALTER TABLE orders DROP CONSTRAINT orders_total_ok");
      }
    }
  }

  private static LockLevel heldOnOrders(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(database); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      try {
        long orders;
        try (ResultSet oid = s.executeQuery("SELECT 'orders'::regclass::oid")) {
          oid.next();
          orders = oid.getLong(1); // before the statement: a DROP removes the name
        }
        s.execute(sql);
        LockLevel strongest = null;
        try (ResultSet modes = s.executeQuery("SELECT mode FROM pg_locks WHERE pid = pg_backend_pid()"
            + " AND relation = " + orders)) {
          while (modes.next()) {
            strongest = LockLevel.stronger(strongest, fromPgLocks(modes.getString(1)));
          }
        }
        return strongest;
      } finally {
        c.rollback();
      }
    }
  }

  /** pg_locks names a mode AccessExclusiveLock. */
  private static LockLevel fromPgLocks(String mode) {
    return LockLevel.valueOf(mode.replace("Lock", "").replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase());
  }

  @Test
  void rowsComeFromTheStatisticsAndTimeFromTheMeasuredRate() throws Exception {
    Plan plan = PlanParser.parse(PLAN, "plan.yaml", null, StepKinds.ALL);
    TargetFacts facts = new ExplainActivitiesImpl(targets).targetFacts(PlanExplainer.request(plan, "demo"));
    assertTrue(facts.problems().isEmpty(), facts.problems().toString());
    assertEquals(ORDERS, facts.tables().get("orders"));
    long closed = facts.estimates().get("copy-closed");
    assertTrue(closed > ORDERS / 10 * 0.8 && closed < ORDERS / 10 * 1.2, "closed orders estimated " + closed);
    long open = facts.estimates().get("touch-open:1");
    assertTrue(open > ORDERS * 0.9 * 0.8 && open < ORDERS * 0.9 * 1.2, "open orders estimated " + open);
    TargetFacts.MeasuredRate rate = facts.rates().get("copy-closed");
    assertEquals(500.0, rate.rowsPerSecond(), 0.01); // 6,000 rows from 10:00:00 to 10:00:12
    assertEquals(1, rate.runs());

    Instant start = Instant.parse("2026-12-01T09:00:00Z");
    PlanExplanation explanation = PlanExplainer.explain(plan, facts, start);
    PlanExplanation.StepView copy = explanation.phases().get(0).steps().get(0);
    assertEquals(closed, copy.rows().rows());
    assertTrue(copy.time().startsWith("~" + Math.round(closed / 500.0) + "s at 500 rows/s"), copy.time());
    PlanExplanation.StepView touch = explanation.phases().get(0).steps().get(1);
    assertEquals("ROW EXCLUSIVE", touch.statements().get(0).locks().get(0).level());
    assertEquals("SHARE", touch.statements().get(1).locks().get(0).level());
    assertEquals("writes", touch.statements().get(1).blocks());
    assertEquals(open + ORDERS, touch.rows().rows()); // the update's rows, and the index build reads the table
    PlanExplanation.StepView approve = explanation.phases().get(0).steps().get(2);
    assertEquals(2, approve.approval().approvals());
    PlanExplanation.StepView soak = explanation.phases().get(0).steps().get(4);
    Instant afterCopy = start.plusMillis(Math.round(closed / 500.0 * 1000));
    assertEquals(afterCopy.plus(java.time.Duration.ofDays(3)), soak.earliestStart());
    assertEquals(afterCopy.plus(java.time.Duration.ofDays(10)), soak.earliestEnd());
  }

  @Test
  void withoutHistoryThereIsNoMeasuredRate() throws Exception {
    Targets.Target fresh = TestDatabase.newDatabase("demo");
    try (Targets only = Targets.of(List.of(fresh));
        Connection c = TestDatabase.connect(fresh); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders (id int PRIMARY KEY, status text, note text)");
      s.execute("CREATE TABLE orders_archive (id int, status text)");
      Plan plan = PlanParser.parse(PLAN, "plan.yaml", null, StepKinds.ALL);
      TargetFacts facts = new ExplainActivitiesImpl(only).targetFacts(PlanExplainer.request(plan, "demo"));
      assertNull(facts.targetRate());
      PlanExplanation explanation = PlanExplainer.explain(plan, facts, null);
      assertEquals("no measured rate", explanation.phases().get(0).steps().get(0).time());
      assertTrue(explanation.notes().stream().anyMatch(n -> n.startsWith("no measured rate")), explanation.notes().toString());
    }
  }

  @Test
  void aNewRunRefusesAPlanWithLintErrorsAndARunUnderWayDoesNot() throws Exception {
    String bad = """
        name: renames
        target: demo
        phases:
          - name: one
            steps:
              - id: rename
                kind: sql
                sql: ALTER TABLE orders RENAME COLUMN note TO remark
                compensate: ALTER TABLE orders RENAME COLUMN remark TO note
        """;
    new Plans(targets.dsl("demo")).savePlan("renames", PlanParser.hash(bad), bad, "renames.yaml", "before-lint");
    PlanActivitiesImpl plans = new PlanActivitiesImpl(targets);
    ApplicationFailure refused = assertThrows(ApplicationFailure.class,
        () -> plans.load(new PlanRef("renames", null, "demo", true)));
    assertEquals(PlanActivities.LINT_ERRORS, refused.getType());
    assertTrue(refused.getOriginalMessage().contains("[rename-in-one-step]"), refused.getOriginalMessage());
    assertNotNull(plans.load(new PlanRef("renames", null, "demo")).plan());
    var pushed = plans.push(new cutover.activities.PlanPushRequest(bad, "renames.yaml", "demo", "test"));
    assertTrue(pushed.problems().stream().anyMatch(p -> p.contains("[rename-in-one-step]")), pushed.problems().toString());
  }
}
