package cutover.activities;

import cutover.activities.steps.StepKinds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import cutover.plan.Plan;
import cutover.plan.PlanParser;
import cutover.plan.PlanStep;
import cutover.testing.TestDatabase;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each verification kind against a real PostgreSQL (and a real local HTTP server): passing and failing. */
class VerificationStepsTest {
  private static final String RUN = "run-v";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Targets.Target target;
  private Targets targets;
  private TestActivityEnvironment env;
  private StepActivities steps;

  @BeforeEach
  void setUp() throws SQLException {
    target = TestDatabase.newDatabase("verify");
    targets = Targets.of(List.of(target));
    env = ActivityEnvironments.create();
    SqlRunner runner = new SqlRunner(targets, Duration.ofMillis(50), Duration.ofMillis(300));
    env.registerActivitiesImplementations(new StepActivitiesImpl(runner), new LedgerActivitiesImpl(targets));
    ActivityOptions options = ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
    steps = env.newActivityStub(StepActivities.class, options);
    env.newActivityStub(LedgerActivities.class, options)
        .beginRun(new BeginRun("verify", RUN, "demo", "abc123", "wf-1", "alice", false));
  }

  @AfterEach
  void tearDown() {
    env.close();
    targets.close();
  }

  // ------------------------------------------------------------------------------- parity

  private void parityTables(int rows) throws SQLException {
    execute("""
        CREATE TABLE tenants (tenant int PRIMARY KEY, name text);
        INSERT INTO tenants VALUES (1, 'north'), (2, 'south'), (3, 'west');
        CREATE TABLE legacy (tenant int NOT NULL, id bigint NOT NULL, name text, amount numeric(10,2),
                             PRIMARY KEY (tenant, id));
        INSERT INTO legacy SELECT g %% 3 + 1, g, 'row ' || g, g / 7.0 FROM generate_series(1, %d) g;
        CREATE TABLE fresh (tenant int NOT NULL, id bigint NOT NULL, name text, amount numeric(10,2),
                            PRIMARY KEY (tenant, id));
        INSERT INTO fresh SELECT * FROM legacy;
        ANALYZE legacy; ANALYZE fresh;
        """.formatted(rows));
  }

  private static final String PARITY = """
      - id: parity
        kind: parity
        legacy: {table: legacy}
        new: {table: fresh}
        key: [tenant, id]
        groupBy: [tenant]
        chunkRows: 1000
      """;

  @Test
  void parityHoldsOnIdenticalTablesAndWritesItsReport() throws Exception {
    parityTables(30_000);
    StepResult result = steps.apply(call(step(PARITY)));
    assertTrue(result.outcome().startsWith("parity holds: 30,000 rows match by key [tenant, id] in "), result.outcome());
    assertTrue(result.outcome().contains("3 groups by [tenant] match (count(*))"), result.outcome());
    JsonNode report = lastReport("parity");
    assertTrue(report.get("holds").asBoolean());
    assertTrue(report.at("/rows/chunks").asInt() > 20, report.toString());
    assertEquals(List.of("name", "amount"), names(report.get("columns")));
    // the duration status shows is the ledger's, not the recording transaction's
    long ledgerMillis = count("SELECT floor(extract(epoch FROM finished_at - started_at) * 1000)::bigint"
        + " FROM cutover.step WHERE step_id = 'parity'");
    assertTrue(Math.abs(ledgerMillis - result.millis()) <= 1, "status " + result.millis() + " ms, ledger " + ledgerMillis + " ms");
  }

  @Test
  void parityNamesTheMissingTheExtraTheChangedRowAndTheTenantWhoseCountIsWrong() throws Exception {
    parityTables(30_000);
    execute("""
        DELETE FROM fresh WHERE id = 4242;
        INSERT INTO fresh VALUES (1, 99999, 'ghost', 1);
        UPDATE fresh SET name = 'renamed' WHERE id = 777;
        DELETE FROM fresh WHERE id = 1500;
        """);
    ApplicationFailure failure = applyFails(step(PARITY));
    String message = failure.getOriginalMessage();
    assertEquals("VerificationFailed", failure.getType());
    assertTrue(message.startsWith("step 'parity' failed: parity does not hold: rows by key [tenant, id] differ "
        + "(30,000 legacy, 29,999 new): 2 missing in new (in legacy only): "), message);
    assertTrue(message.contains("(tenant=1, id=4242)"), message);
    assertTrue(message.contains("(tenant=1, id=1500)"), message);
    assertTrue(message.contains("1 extra in new (not in legacy): (tenant=1, id=99999)"), message);
    assertTrue(message.contains("1 changed: (tenant=1, id=777): name 'row 777' → 'renamed'"), message);
    assertTrue(message.contains("1 of 3 groups by [tenant] differ: tenant=1: count(*) 10000 legacy / 9999 new"),
        message);
    JsonNode report = lastReport("parity");
    assertFalse(report.get("holds").asBoolean());
    assertEquals(2, report.at("/rows/missing/count").asInt());
    assertEquals(1, report.at("/rows/extra/count").asInt());
    assertEquals(1, report.at("/rows/changed/count").asInt());
    assertTrue(report.at("/rows/recheckedChunks").asInt() <= 4, "only differing chunks are read again: " + report);
    assertEquals(0, ledgerSteps("parity"), "a parity that fails is not recorded as applied");
  }

  @Test
  void parityComparesAQueryWithRenamedColumnsToATable() throws Exception {
    parityTables(2_000);
    execute("CREATE TABLE renamed AS SELECT tenant, id AS item_id, name AS label FROM legacy WHERE id % 2 = 0");
    PlanStep step = step("""
        - id: evens
          kind: parity
          legacy:
            query: SELECT tenant, id AS item_id, name AS label FROM legacy WHERE id % 2 = 0;
          new: {table: renamed}
          key: [tenant, item_id]
          groupBy: [tenant]
          aggregates: ["count(*)", "count(DISTINCT label)"]
        """);
    assertTrue(steps.apply(call(step)).outcome().contains("1,000 rows match by key [tenant, item_id]"));

    execute("UPDATE renamed SET label = 'x' WHERE item_id = 10");
    String message = applyFails(step("""
        - id: evens-again
          kind: parity
          legacy: {query: "SELECT tenant, id AS item_id, name AS label FROM legacy WHERE id % 2 = 0"}
          new: {table: renamed}
          key: [tenant, item_id]
        """)).getOriginalMessage();
    assertTrue(message.contains("1 changed: (tenant=2, item_id=10): label 'row 10' → 'x'"), message);
  }

  @Test
  void parityAgainstAnEmptyCopyCountsEveryRowMissing() throws Exception {
    parityTables(5_000);
    execute("TRUNCATE fresh; ANALYZE fresh");
    String message = applyFails(step("""
        - id: empty
          kind: parity
          legacy: {table: legacy}
          new: {table: fresh}
          key: [tenant, id]
          chunkRows: 500
          show: 2
        """)).getOriginalMessage();
    assertTrue(message.contains("(5,000 legacy, 0 new): 5,000 missing in new (in legacy only): (tenant=1, id=3), "
        + "(tenant=1, id=6)"), message);
  }

  @Test
  void parityCanRequireSeveralPassesInARow() throws Exception {
    parityTables(500);
    StepResult result = steps.apply(call(step("""
        - id: twice
          kind: parity
          legacy: {table: legacy}
          new: {table: fresh, where: "id > 0"}
          key: [id]
          times: 2
          interval: 100ms
        """)));
    assertTrue(result.outcome().startsWith("parity holds (2 of 2 passes): 500 rows match"), result.outcome());
  }

  // -------------------------------------------------------------------------------- check

  private static final String CHECK = """
      - id: no-orphans
        kind: check
        query: SELECT o.id, o.customer FROM orders o LEFT JOIN customers c ON c.id = o.customer WHERE c.id IS NULL ORDER BY o.id
        fix: INSERT INTO customers SELECT DISTINCT customer FROM orders o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer)
        saves: {customers: all}
      """;

  private void orders() throws SQLException {
    execute("""
        CREATE TABLE customers (id int PRIMARY KEY);
        CREATE TABLE orders (id int PRIMARY KEY, customer int);
        INSERT INTO customers VALUES (1), (2);
        INSERT INTO orders VALUES (10, 1), (11, 2), (12, 3), (13, 4);
        """);
  }

  @Test
  void checkFailsListingWhatItFoundWhenFixesAreNotAllowed() throws Exception {
    orders();
    String message = applyFails(step(CHECK)).getOriginalMessage();
    assertTrue(message.startsWith("step 'no-orphans' failed: check failed: 2 rows found: (id=12, customer=3); "
        + "(id=13, customer=4)"), message);
    assertTrue(message.contains("its fix was not run: start the run with --allow-fixes"), message);
    assertEquals(2, count("SELECT count(*) FROM customers"), "nothing fixed");
    JsonNode report = lastReport("no-orphans");
    assertEquals(2, report.at("/found/rows").asInt());
    assertFalse(report.at("/fix/ran").asBoolean());
  }

  @Test
  void checkRunsItsFixWhenAllowedAndChecksAgain() throws Exception {
    orders();
    StepResult result = steps.apply(new StepCall("verify", RUN, "main", step(CHECK), true));
    assertEquals("check holds after its fix: 2 rows found: (id=12, customer=3); (id=13, customer=4); fix ran (2 rows "
        + "changed)", result.outcome());
    assertEquals(4, count("SELECT count(*) FROM customers"));
    JsonNode report = lastReport("no-orphans");
    assertTrue(report.at("/fix/ran").asBoolean());
    assertEquals(2, report.at("/fix/rows").asInt());
    assertEquals(0, report.at("/after/rows").asInt());
  }

  @Test
  void aScalarCheckHoldsWithinItsBounds() throws Exception {
    orders();
    assertEquals("check holds: value 4 is ≥ 1 and ≤ 10", steps.apply(call(step("""
        - id: order-count
          kind: check
          scalar: SELECT count(*) FROM orders
          min: 1
          max: 10
        """))).outcome());
    String message = applyFails(step("""
        - id: no-orders-left
          kind: check
          scalar: SELECT count(*) FROM orders
          max: 0.5
        """)).getOriginalMessage();
    assertTrue(message.endsWith("check failed: value 4 is not ≤ 0.5"), message);
  }

  // ----------------------------------------------------------------------------- validate

  @Test
  void validateFailsOnAViolatingRowWithAReadableErrorAndPassesOnceItIsFixed() throws Exception {
    execute("""
        CREATE TABLE parents (id int PRIMARY KEY);
        CREATE TABLE children (id int PRIMARY KEY, parent int, qty int);
        INSERT INTO parents VALUES (1);
        INSERT INTO children VALUES (1, 1, 5), (2, 7, 5);
        ALTER TABLE children ADD CONSTRAINT children_parent_fkey FOREIGN KEY (parent) REFERENCES parents (id) NOT VALID;
        ALTER TABLE children ADD CONSTRAINT children_qty_check CHECK (qty > 0) NOT VALID;
        """);
    PlanStep validate = step("""
        - id: validate-children
          kind: validate
          tables: [children]
        """);
    ApplicationFailure failure = applyFails(validate);
    String message = failure.getOriginalMessage();
    assertTrue(message.contains("constraint children_parent_fkey on children is violated: insert or update on table "
        + "\"children\" violates foreign key constraint \"children_parent_fkey\": Key (parent)=(7) is not present in "
        + "table \"parents\""), message);
    assertTrue(message.contains("validated: constraint children_qty_check on children"), message);
    assertTrue(message.endsWith("Fix or remove the offending rows, then retry the step"), message);
    assertEquals(1, count("SELECT count(*) FROM pg_constraint WHERE conname = 'children_qty_check' AND convalidated"),
        "what validated stays validated");

    execute("DELETE FROM children WHERE parent = 7");
    StepResult result = steps.apply(call(validate));
    assertTrue(result.outcome().startsWith("validated 1 constraint: constraint children_parent_fkey on children "),
        result.outcome());
    JsonNode report = lastReport("validate-children");
    assertTrue(report.at("/constraints/0/millis").isNumber());
    assertEquals(0, count("SELECT count(*) FROM pg_constraint WHERE conrelid = 'children'::regclass AND NOT convalidated"));
  }

  @Test
  void validateNamesConstraintsItCannotFind() throws Exception {
    execute("CREATE TABLE lonely (id int)");
    String message = applyFails(step("""
        - id: validate-missing
          kind: validate
          constraints: [lonely.no_such_fkey]
        """)).getOriginalMessage();
    assertTrue(message.contains("there is no CHECK or FOREIGN KEY constraint named lonely.no_such_fkey"), message);
  }

  // --------------------------------------------------------------------------------- flag

  @Test
  void aFlagIsSetAndItsCompensationRestoresThePreviousValue() throws Exception {
    PlanStep on = step("""
        - id: maintenance-on
          kind: flag
          flag: maintenance
          enabled: true
        """);
    PlanStep tenantFlag = step("""
        - id: new-reports
          kind: flag
          flag: reporting_v1
          value: pilot
          tenants: [t1, t2]
        """);
    execute("INSERT INTO cutover.flag (name, tenant, value, updated_by) VALUES ('reporting_v1', 't1', 'off', 'ops')");
    assertEquals("flag maintenance set to true for everyone (was unset)", steps.apply(call(on)).outcome());
    assertEquals("flag reporting_v1 set to pilot for tenant t1 (was off), for tenant t2 (was unset)",
        steps.apply(call(tenantFlag)).outcome());
    assertEquals("true", single("SELECT value FROM cutover.flag WHERE name = 'maintenance' AND tenant = ''"));
    assertEquals("pilot", single("SELECT value FROM cutover.flag WHERE name = 'reporting_v1' AND tenant = 't2'"));

    steps.compensate(call(tenantFlag));
    steps.compensate(call(on));
    assertNull(single("SELECT value FROM cutover.flag WHERE name = 'maintenance'"), "unset again");
    assertEquals("off", single("SELECT value FROM cutover.flag WHERE name = 'reporting_v1' AND tenant = 't1'"));
    assertNull(single("SELECT value FROM cutover.flag WHERE name = 'reporting_v1' AND tenant = 't2'"));
  }

  // --------------------------------------------------------------------------------- http

  @Test
  void httpChecksRedirectsOfASampleOfRowsAndListsTheWrongOne() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/people/", exchange -> {
      String slug = exchange.getRequestURI().getPath().substring("/people/".length());
      exchange.getResponseHeaders().add("Location", slug.equals("carol") ? "/members/someone-else" : "/members/" + slug);
      exchange.sendResponseHeaders(301, -1);
      exchange.close();
    });
    server.createContext("/health", exchange -> {
      byte[] body = "status: ok".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      execute("CREATE TABLE people (slug text); INSERT INTO people VALUES ('alice'), ('bob'), ('carol'), ('dave')");
      StepResult health = steps.apply(call(step("""
          - id: health
            kind: http
            url: %s/health
            bodyContains: ok
          """.formatted(base))));
      assertEquals("1 of 1 URL answered as expected", health.outcome());

      String message = applyFails(step("""
          - id: legacy-urls
            kind: http
            rows: SELECT slug FROM people ORDER BY slug
            sample: 3
            url: %s/people/{slug}
            status: 301
            location: /members/{slug}
            concurrency: 2
          """.formatted(base))).getOriginalMessage();
      assertTrue(message.contains("1 of 3 URLs failed: GET " + base + "/people/carol: Location /members/someone-else, "
          + "expected /members/carol"), message);
      assertFalse(message.contains("dave"), "only the sample is checked: " + message);
    } finally {
      server.stop(0);
    }
  }

  // ------------------------------------------------------------------------------ command

  @Test
  void aCommandIsRefusedUnlessTheWorkerAllowsCommands() throws Exception {
    PlanStep command = step("""
        - id: suite
          kind: command
          command: "echo gate passed"
        """);
    String message = applyFails(command).getOriginalMessage();
    assertTrue(message.contains("command refused: this worker does not run commands; start the worker with "
        + "`cutover worker --allow-commands`"), message);

    StepActivities allowed = allowingCommands();
    assertTrue(allowed.apply(call(command)).outcome().startsWith("command exited 0 after "));
    ActivityFailure failure = assertThrows(ActivityFailure.class, () -> allowed.apply(call(step("""
        - id: failing-suite
          kind: command
          command: [sh, -c, "echo 3 tests failed; exit 3"]
        """))));
    String failed = assertInstanceOf(ApplicationFailure.class, failure.getCause()).getOriginalMessage();
    assertTrue(failed.contains("command exited 3 after"), failed);
    assertTrue(failed.contains("last output: 3 tests failed"), failed);
  }

  private StepActivities allowingCommands() {
    TestActivityEnvironment other = ActivityEnvironments.create();
    other.registerActivitiesImplementations(new StepActivitiesImpl(new SqlRunner(targets), true));
    return other.newActivityStub(StepActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  // ------------------------------------------------------------------------------- verify

  @Test
  void aSoakRepetitionRunsEveryTimeAndIsNeverRecordedAsApplied() throws Exception {
    orders();
    execute("DELETE FROM orders WHERE customer > 2");
    PlanStep check = step(CHECK);
    steps.apply(call(check));
    assertEquals(1, ledgerSteps("no-orphans"));
    StepResult first = steps.verify(new VerifyCall("verify", RUN, "main", check, 1));
    assertEquals(StepAction.VERIFY, first.action());
    assertFalse(first.recorded());
    execute("INSERT INTO orders VALUES (20, 9)");
    ActivityFailure failure = assertThrows(ActivityFailure.class,
        () -> steps.verify(new VerifyCall("verify", RUN, "main", check, 2)));
    String message = assertInstanceOf(ApplicationFailure.class, failure.getCause()).getOriginalMessage();
    assertTrue(message.contains("check failed: 1 row found: (id=20, customer=9)"), message);
    assertEquals(0, count("SELECT count(*) FROM customers WHERE id = 9"), "a soak never fixes");
    assertEquals(List.of("1", "2"), strings("SELECT iteration::text FROM cutover.step_report WHERE step_id = "
        + "'no-orphans' AND iteration IS NOT NULL ORDER BY id"));
  }

  @Test
  void frequentSoakChecksRunInOneActivityUntilOneFails() throws Exception {
    orders();
    execute("DELETE FROM orders WHERE customer > 2");
    PlanStep check = step(CHECK);
    RepeatedVerifyResult held = steps.verifyRepeatedly(
        new RepeatedVerifyCall(new VerifyCall("verify", RUN, "main", check, 11), 3, 20));
    assertEquals(new RepeatedVerifyResult(3, null), held);
    execute("INSERT INTO orders VALUES (20, 9)");
    RepeatedVerifyResult failed = steps.verifyRepeatedly(
        new RepeatedVerifyCall(new VerifyCall("verify", RUN, "main", check, 14), 3, 20));
    assertEquals(0, failed.passed());
    assertTrue(failed.failure().contains("check failed: 1 row found: (id=20, customer=9)"), failed.failure());
    assertEquals(List.of("11", "12", "13", "14"), strings("SELECT iteration::text FROM cutover.step_report WHERE "
        + "step_id = 'no-orphans' AND iteration IS NOT NULL ORDER BY id"));
  }

  // ------------------------------------------------------------------------------ helpers

  static PlanStep step(String yaml) {
    String indented = yaml.lines().map(line -> "      " + line).collect(Collectors.joining("\n"));
    try {
      Plan plan = PlanParser.parse("name: t\ntarget: verify\nphases:\n  - name: main\n    steps:\n" + indented + "\n",
          "t.yaml", null, StepKinds.ALL);
      return plan.phases().get(0).steps().get(0);
    } catch (cutover.plan.InvalidPlanException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  private static StepCall call(PlanStep step) {
    return new StepCall("verify", RUN, "main", step);
  }

  private ApplicationFailure applyFails(PlanStep step) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, () -> steps.apply(call(step)));
    return assertInstanceOf(ApplicationFailure.class, failure.getCause());
  }

  private JsonNode lastReport(String stepId) throws Exception {
    return JSON.readTree(single("SELECT report FROM cutover.step_report WHERE step_id = '" + stepId
        + "' ORDER BY id DESC LIMIT 1"));
  }

  private static List<String> names(JsonNode array) {
    List<String> names = new ArrayList<>();
    array.forEach(n -> names.add(n.asText()));
    return names;
  }

  private void execute(String sql) throws SQLException {
    try (Connection connection = TestDatabase.connect(target); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private long count(String sql) throws SQLException {
    return Long.parseLong(single(sql));
  }

  private String single(String sql) throws SQLException {
    List<String> values = strings(sql);
    return values.isEmpty() ? null : values.get(0);
  }

  private List<String> strings(String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection connection = TestDatabase.connect(target);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }

  private long ledgerSteps(String stepId) throws SQLException {
    return TestDatabase.count(target,
        "SELECT count(*) FROM cutover.step WHERE run_id = ? AND step_id = ? AND action = 'apply'", RUN, stepId);
  }
}
