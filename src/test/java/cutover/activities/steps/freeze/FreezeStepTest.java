package cutover.activities.steps.freeze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.activities.AbandonRun;
import cutover.activities.AbandonedRun;
import cutover.activities.ActivityEnvironments;
import cutover.activities.BeginRun;
import cutover.activities.LedgerActivities;
import cutover.activities.LedgerActivitiesImpl;
import cutover.activities.SqlRunner;
import cutover.activities.StepActivities;
import cutover.activities.StepActivitiesImpl;
import cutover.activities.StepCall;
import cutover.activities.StepResult;
import cutover.activities.Targets;
import cutover.activities.steps.StepKinds;
import cutover.plan.InvalidPlanException;
import cutover.plan.Plan;
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
import java.util.Properties;
import java.util.Set;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Frozen writes on an embedded PostgreSQL, through the real activities: a writer on a connection
 * of its own (application {@code shop}) is refused while a freeze holds and accepted after its
 * unfreeze or a rollback; a tenant's freeze leaves other tenants writing; an open writing
 * transaction is waited out, or ended and reported; a role's sessions become read-only.
 */
class FreezeStepTest {
  private static final String RUN = "run-f";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ORDERS = "CREATE TABLE orders (id int PRIMARY KEY, tenant text NOT NULL, n int NOT NULL);"
      + " INSERT INTO orders VALUES (1, 'acme', 1), (2, 'globex', 1)";

  private Targets.Target target;
  private Targets targets;
  private TestActivityEnvironment env;
  private StepActivities steps;

  @BeforeEach
  void setUp() throws SQLException {
    target = TestDatabase.newDatabase("freeze");
    targets = Targets.of(List.of(target));
    env = ActivityEnvironments.create();
    env.registerActivitiesImplementations(
        new StepActivitiesImpl(new SqlRunner(targets, Duration.ofMillis(20), Duration.ofMillis(200))),
        new LedgerActivitiesImpl(targets));
    ActivityOptions options = ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
    steps = env.newActivityStub(StepActivities.class, options);
    env.newActivityStub(LedgerActivities.class, options)
        .beginRun(new BeginRun(target.name(), RUN, "p", "abc123", "wf-1", "alice", false));
    execute(ORDERS);
  }

  @AfterEach
  void tearDown() {
    env.close();
    targets.close();
  }

  @Test
  void aFrozenTableRefusesAWriterReadablyAndTakesItsWritesAgainAfterItsUnfreeze() throws Exception {
    Plan plan = plan("""
        - id: freeze-orders
          kind: freeze
          tables: [orders]
          reason: moving orders to the new schema
        - id: thaw-orders
          kind: unfreeze
          of: freeze-orders
        """);
    try (Connection shop = TestDatabase.connect(target, "shop")) {
      StepResult frozen = steps.apply(call(plan, "freeze-orders"));
      assertEquals(1L, frozen.rows());

      String refusal = "cutover: table public.orders is frozen by run run-f step freeze-orders (moving orders to the"
          + " new schema); writes are refused until it is unfrozen";
      for (String write : List.of("INSERT INTO orders VALUES (3, 'acme', 1)", "UPDATE orders SET n = 2",
          "DELETE FROM orders WHERE id = 2", "TRUNCATE orders")) {
        SQLException refused = assertThrows(SQLException.class, () -> run(shop, write), write);
        assertTrue(refused.getMessage().startsWith("ERROR: " + refusal), refused.getMessage());
        assertEquals("55000", refused.getSQLState());
      }
      assertEquals("2", text("SELECT count(*) FROM orders"), "reads go on");
      try (Connection replica = TestDatabase.connectAsReplica(target)) {
        for (String write : List.of("INSERT INTO orders VALUES (3, 'acme', 1)", "TRUNCATE orders")) {
          SQLException refused = assertThrows(SQLException.class, () -> run(replica, write), "as replica: " + write);
          assertTrue(refused.getMessage().startsWith("ERROR: " + refusal), refused.getMessage());
        }
      }

      StepResult thawed = steps.apply(call(plan, "thaw-orders"));
      assertTrue(thawed.outcome().startsWith("lifted the freeze of public.orders"), thawed.outcome());
      run(shop, "INSERT INTO orders VALUES (3, 'acme', 1)");
      assertEquals("0", text("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'cutover_frozen_%'"));

      assertTrue(steps.compensate(call(plan, "thaw-orders")).outcome().contains("nothing to undo"));
      StepResult rolledBack = steps.compensate(call(plan, "freeze-orders"));
      assertTrue(rolledBack.outcome().contains("already lifted: public.orders (by thaw-orders)"), rolledBack.outcome());
      run(shop, "INSERT INTO orders VALUES (4, 'acme', 1)");
    }
  }

  @Test
  void aRollbackLiftsTheFreezeOnceAndWritesGoOn() throws Exception {
    Plan plan = plan("""
        - id: freeze-orders
          kind: freeze
          tables: [public.orders]
        """);
    try (Connection shop = TestDatabase.connect(target, "shop")) {
      steps.apply(call(plan, "freeze-orders"));
      assertTrue(steps.apply(call(plan, "freeze-orders")).recorded(), "the ledger answers the second apply");
      SQLException refused = assertThrows(SQLException.class, () -> run(shop, "INSERT INTO orders VALUES (3, 'x', 1)"));
      assertTrue(refused.getMessage().contains("cutover: table public.orders is frozen by run run-f step freeze-orders;"
          + " writes are refused until it is unfrozen"), refused.getMessage());

      StepResult rolledBack = steps.compensate(call(plan, "freeze-orders"));
      assertEquals(1L, rolledBack.rows());
      run(shop, "INSERT INTO orders VALUES (3, 'x', 1)");
      assertEquals("rollback", text("SELECT lifted_by FROM cutover.frozen_write"));
      assertTrue(steps.compensate(call(plan, "freeze-orders")).recorded());
      assertEquals("0", text("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'cutover_frozen_%'"));
    }
  }

  @Test
  void abandoningTheRunLiftsItsFreezeAndSaysSo() throws Exception {
    Plan plan = plan("""
        - id: freeze-orders
          kind: freeze
          tables: [orders]
        """);
    LedgerActivities ledger = env.newActivityStub(LedgerActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1)).build());
    try (Connection shop = TestDatabase.connect(target, "shop")) {
      steps.apply(call(plan, "freeze-orders"));
      assertThrows(SQLException.class, () -> run(shop, "INSERT INTO orders VALUES (3, 'x', 1)"));

      AbandonedRun abandoned = ledger.abandonRun(new AbandonRun(null, RUN, "carol", "its worker is gone", "q1"));
      assertEquals(List.of("lifted the freeze of step freeze-orders: public.orders"), abandoned.cleanedUp());
      run(shop, "INSERT INTO orders VALUES (3, 'x', 1)");
      assertEquals("abandon", text("SELECT lifted_by FROM cutover.frozen_write"));
      assertEquals("0", text("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'cutover_frozen_%'"));
      assertEquals(List.of(), ledger.abandonRun(new AbandonRun(null, RUN, "carol", "its worker is gone", "q1"))
          .cleanedUp(), "abandoning again finds nothing left to lift");
    }
  }

  @Test
  void aTenantsFreezeRefusesItsRowsOnlyAndOtherTenantsWriteOn() throws Exception {
    Plan plan = plan("""
        - id: freeze-acme
          kind: freeze
          tables: [orders]
          where: "tenant = 'acme'"
          reason: acme moves
        """);
    steps.apply(call(plan, "freeze-acme"));
    try (Connection shop = TestDatabase.connect(target, "shop")) {
      run(shop, "INSERT INTO orders VALUES (3, 'globex', 1)");
      run(shop, "UPDATE orders SET n = 5 WHERE tenant = 'globex'");
      run(shop, "DELETE FROM orders WHERE id = 3");
      for (String write : List.of("INSERT INTO orders VALUES (4, 'acme', 1)", "UPDATE orders SET n = 9 WHERE id = 1",
          "UPDATE orders SET tenant = 'acme' WHERE id = 2", "DELETE FROM orders WHERE id = 1", "TRUNCATE orders")) {
        SQLException refused = assertThrows(SQLException.class, () -> run(shop, write), write);
        assertTrue(refused.getMessage().contains("cutover: table public.orders is frozen where tenant = 'acme' by run"
            + " run-f step freeze-acme (acme moves)"), refused.getMessage());
      }
      assertEquals("1:acme:1|2:globex:5", text("SELECT string_agg(id || ':' || tenant || ':' || n, '|' ORDER BY id)"
          + " FROM orders"));
      steps.compensate(call(plan, "freeze-acme"));
      run(shop, "UPDATE orders SET n = 9 WHERE id = 1");
    }
  }

  @Test
  void anOpenWritingTransactionIsWaitedOutAndReported() throws Exception {
    Plan plan = plan("""
        - id: freeze-orders
          kind: freeze
          tables: [orders]
          grace: 10s
        """);
    try (Connection shop = TestDatabase.connect(target, "shop")) {
      shop.setAutoCommit(false);
      run(shop, "INSERT INTO orders VALUES (3, 'acme', 1)");
      int pid = pid(shop);
      Thread committer = new Thread(() -> {
        try {
          Thread.sleep(400);
          shop.commit();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      committer.start();
      long started = System.nanoTime();
      StepResult frozen = steps.apply(call(plan, "freeze-orders"));
      committer.join();
      assertTrue(frozen.outcome().contains("waited ") && frozen.outcome().contains("for 1 writing session to end: pid "
          + pid + " (app 'shop'"), frozen.outcome());
      assertTrue((System.nanoTime() - started) / 1_000_000 < 5_000, "waited about 0.4s, not the whole grace");
      JsonNode session = report("freeze-orders").get("sessions").get(0);
      assertEquals(pid, session.get("pid").asInt());
      assertEquals("ended by itself", session.get("outcome").asText());
      assertEquals("3", text("SELECT count(*) FROM orders"), "its write committed before the freeze");
    }
  }

  @Test
  void anOpenWritingTransactionLeftAfterTheGraceIsTerminatedAndReported() throws Exception {
    Plan plan = plan("""
        - id: freeze-orders
          kind: freeze
          tables: [orders]
          grace: 300ms
          terminate: true
        """);
    try (Connection shop = TestDatabase.connect(target, "shop")) {
      shop.setAutoCommit(false);
      run(shop, "INSERT INTO orders VALUES (3, 'acme', 1)");
      int pid = pid(shop);
      StepResult frozen = steps.apply(call(plan, "freeze-orders"));
      assertTrue(frozen.outcome().contains("ended 1 writing session: pid " + pid + " (app 'shop'"), frozen.outcome());
      assertTrue(frozen.outcome().contains("holds RowExclusiveLock on orders"), frozen.outcome());
      JsonNode session = report("freeze-orders").get("sessions").get(0);
      assertEquals(pid, session.get("pid").asInt());
      assertEquals("terminated", session.get("outcome").asText());
      assertEquals("idle in transaction", session.get("state").asText());
      assertThrows(SQLException.class, () -> run(shop, "SELECT 1"), "its session was ended");
      assertEquals("2", text("SELECT count(*) FROM orders"), "its write was rolled back");
    }
  }

  @Test
  void withoutTerminateAWriterLeftAfterTheGraceFailsTheStepNamingItWithoutItsSql() throws Exception {
    Plan plan = plan("""
        - id: freeze-orders
          kind: freeze
          tables: [orders]
          grace: 200ms
        """);
    try (Connection shop = TestDatabase.connect(target, "shop")) {
      shop.setAutoCommit(false);
      run(shop, "INSERT INTO orders VALUES (3, 'sql-text-marker', 1)");
      int pid = pid(shop);
      ActivityFailure failure = assertThrows(ActivityFailure.class, () -> steps.apply(call(plan, "freeze-orders")));
      ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
      String message = cause.getOriginalMessage();
      assertEquals("StepFailed", cause.getType());
      assertTrue(message.contains("step 'freeze-orders' failed: could not freeze orders: 1 writing session still open after grace"
          + " 200ms: pid " + pid + " (app 'shop', user '***', idle in transaction, holds RowExclusiveLock on orders"),
          message);
      assertTrue(message.contains("write terminate: true"), message);
      assertFalse(message.contains("sql-text-marker"), message);
      assertFalse(message.contains(TestDatabase.ROLE), message);
      assertEquals("0", text("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'cutover_frozen_%'"), "nothing frozen");
      assertEquals("0", text("SELECT count(*) FROM cutover.step"));
      shop.commit();
      steps.apply(call(plan, "freeze-orders"));
    }
  }

  @Test
  void aFrozenRolesSessionsAreEndedAndItsNewOnesAreReadOnlyUntilItsUnfreeze() throws Exception {
    String role = "shop_app_" + Long.toString(System.nanoTime() % 1_000_000, 36);
    String password = "pw-" + role;
    try (Connection admin = TestDatabase.server().getPostgresDatabase().getConnection()) {
      DSL.using(admin, SQLDialect.POSTGRES).execute("CREATE ROLE {0} LOGIN PASSWORD {1}", DSL.name(role),
          DSL.inline(password));
      // what the worker's user needs to freeze a role: set its defaults and signal its sessions
      DSL.using(admin, SQLDialect.POSTGRES).execute("ALTER ROLE {0} CREATEROLE", DSL.name(TestDatabase.ROLE));
      DSL.using(admin, SQLDialect.POSTGRES).execute("GRANT {0} TO {1} WITH ADMIN OPTION", DSL.name(role),
          DSL.name(TestDatabase.ROLE));
    }
    execute("GRANT SELECT, INSERT ON orders TO " + role);
    Plan plan = plan("""
        - id: freeze-app
          kind: freeze
          role: %s
          grace: 2s
          terminate: true
        - id: thaw-app
          kind: unfreeze
          of: freeze-app
        """.formatted(role));
    try (Connection before = connectAs(role, password)) {
      run(before, "INSERT INTO orders VALUES (3, 'acme', 1)");
      int pid = pid(before);

      StepResult frozen = steps.apply(call(plan, "freeze-app"));
      assertTrue(frozen.outcome().startsWith("froze role " + role), frozen.outcome());
      assertTrue(frozen.outcome().contains("ended 1 session: pid " + pid), frozen.outcome());
      assertThrows(SQLException.class, () -> run(before, "SELECT 1"), "its session from before the freeze was ended");
    }
    try (Connection during = connectAs(role, password)) {
      SQLException refused = assertThrows(SQLException.class, () -> run(during, "INSERT INTO orders VALUES (4, 'a', 1)"));
      assertEquals("25006", refused.getSQLState(), refused.getMessage());
      assertEquals("3", text("SELECT count(*) FROM orders"), "reads go on");
      run(during, "SELECT count(*) FROM orders");

      int duringPid = pid(during);
      StepResult thawed = steps.apply(call(plan, "thaw-app"));
      assertTrue(thawed.outcome().contains("lifted the freeze of role " + role), thawed.outcome());
      assertTrue(thawed.outcome().contains("ended 1 read-only session: pid " + duringPid), thawed.outcome());
    }
    try (Connection after = connectAs(role, password)) {
      run(after, "INSERT INTO orders VALUES (4, 'acme', 1)");
    }
    assertEquals("0", text("SELECT count(*) FROM pg_db_role_setting WHERE setrole = to_regrole('" + role + "')"));
    String ledger = text("SELECT string_agg(outcome, ' | ') FROM cutover.step");
    assertFalse(ledger.contains(password) || ledger.contains(TestDatabase.password()), ledger);
  }

  @Test
  void aRoleFreezeWithoutTerminateFailsWhileTheRolesSessionsStayAndIsLiftedByRollback() throws Exception {
    String role = "shop_ro_" + Long.toString(System.nanoTime() % 1_000_000, 36);
    String password = "pw-" + role;
    try (Connection admin = TestDatabase.server().getPostgresDatabase().getConnection()) {
      DSL.using(admin, SQLDialect.POSTGRES).execute("CREATE ROLE {0} LOGIN PASSWORD {1}", DSL.name(role),
          DSL.inline(password));
      DSL.using(admin, SQLDialect.POSTGRES).execute("ALTER ROLE {0} CREATEROLE", DSL.name(TestDatabase.ROLE));
      DSL.using(admin, SQLDialect.POSTGRES).execute("GRANT {0} TO {1} WITH ADMIN OPTION", DSL.name(role),
          DSL.name(TestDatabase.ROLE));
    }
    String database = target.jdbcUrl().substring(target.jdbcUrl().lastIndexOf('/') + 1);
    execute("ALTER ROLE " + role + " IN DATABASE " + database + " SET default_transaction_read_only = off");
    Plan plan = plan("""
        - id: freeze-app
          kind: freeze
          role: %s
          grace: 200ms
        """.formatted(role));
    String setting = "SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting WHERE setrole = to_regrole('"
        + role + "')";
    try (Connection open = connectAs(role, password)) {
      int pid = pid(open);
      ActivityFailure failure = assertThrows(ActivityFailure.class, () -> steps.apply(call(plan, "freeze-app")));
      String message = assertInstanceOf(ApplicationFailure.class, failure.getCause()).getOriginalMessage();
      assertTrue(message.contains("could not freeze role " + role + ": 1 session still open after grace 200ms: pid "
          + pid + " (app 'shop'") && message.contains("(the role's block was lifted again)"), message);
      assertEquals("default_transaction_read_only=off", text(setting), "the block did not stay");
      assertEquals("0", text("SELECT count(*) FROM cutover.frozen_write"));
    }
    steps.apply(call(plan, "freeze-app"));
    assertEquals("default_transaction_read_only=on", text(setting));
    steps.compensate(call(plan, "freeze-app"));
    assertEquals("default_transaction_read_only=off", text(setting));
  }

  // ---------------------------------------------------------------------------------------------

  static String yaml(String stepsYaml) {
    return "name: p\ntarget: t\nphases:\n  - name: window\n    steps:\n"
        + stepsYaml.lines().map(line -> "      " + line + "\n").reduce("", String::concat);
  }

  private static Plan plan(String stepsYaml) throws InvalidPlanException {
    return PlanParser.parse(yaml(stepsYaml), "freeze.yaml", Set.of("t"), StepKinds.ALL);
  }

  private StepCall call(Plan plan, String stepId) {
    PlanStep step = plan.step(stepId).orElseThrow();
    return new StepCall(target.name(), RUN, "window", step);
  }

  private JsonNode report(String stepId) throws Exception {
    return JSON.readTree(text("SELECT report FROM cutover.step_report WHERE step_id = '" + stepId + "'"));
  }

  private Connection connectAs(String role, String password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", role);
    properties.setProperty("password", password == null ? "" : password);
    properties.setProperty("ApplicationName", "shop");
    return java.sql.DriverManager.getConnection(target.jdbcUrl(), properties);
  }

  private static int pid(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static void run(Connection connection, String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    }
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = TestDatabase.connect(target)) {
      run(c, sql);
    }
  }

  private String text(String sql) throws SQLException {
    try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rs.next()) {
        values.add(rs.getString(1));
      }
      assertEquals(1, values.size(), "one value from " + sql);
      return values.get(0);
    }
  }
}
