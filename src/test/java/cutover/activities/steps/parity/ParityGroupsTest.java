package cutover.activities.steps.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.activities.ActivityEnvironments;
import cutover.activities.BeginRun;
import cutover.activities.LedgerActivities;
import cutover.activities.LedgerActivitiesImpl;
import cutover.activities.ReportActivitiesImpl;
import cutover.activities.RunRef;
import cutover.activities.RunReport;
import cutover.activities.SqlRunner;
import cutover.activities.StepActivities;
import cutover.activities.StepActivitiesImpl;
import cutover.activities.StepCall;
import cutover.activities.StepResult;
import cutover.activities.Targets;
import cutover.activities.steps.StepKinds;
import cutover.plan.PlanParser;
import cutover.plan.PlanStep;
import cutover.testing.TestDatabase;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Parity groups from a relation that lists every group (a tenant with no rows on either side, one
 * with rows on one side only), the per-group values in the run's report, and numbers compared by
 * value on both the group and the row path. One database for the class: each test reads its own tables.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParityGroupsTest {
  private static final String RUN = "run-groups";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Targets.Target target;
  private Targets targets;
  private TestActivityEnvironment env;
  private StepActivities steps;

  @BeforeAll
  void setUp() throws Exception {
    target = TestDatabase.newDatabase("groups");
    targets = Targets.of(List.of(target));
    env = ActivityEnvironments.create();
    env.registerActivitiesImplementations(
        new StepActivitiesImpl(new SqlRunner(targets, Duration.ofMillis(50), Duration.ofMillis(300))),
        new LedgerActivitiesImpl(targets));
    ActivityOptions options = ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
    steps = env.newActivityStub(StepActivities.class, options);
    env.newActivityStub(LedgerActivities.class, options)
        .beginRun(new BeginRun(target.name(), RUN, "p", "abc123", "wf-1", "alice", false));
    execute("""
        CREATE TABLE tenants (id int PRIMARY KEY, name text);
        INSERT INTO tenants VALUES (1, 'north'), (2, 'south'), (3, 'west'), (4, 'east');
        CREATE TABLE legacy_orders (tenant int, id int, amount numeric(10, 2), PRIMARY KEY (tenant, id));
        CREATE TABLE new_orders (tenant int, id int, amount numeric, PRIMARY KEY (tenant, id));
        -- tenant 1 on both sides, 2 in legacy only, 3 on neither, 4 on both
        INSERT INTO legacy_orders VALUES (1, 1, 1.50), (1, 2, 2.00), (2, 1, 5.00), (4, 1, 7.10);
        INSERT INTO new_orders VALUES (1, 1, 1.5), (1, 2, 2), (4, 1, 7.1);
        """);
  }

  @AfterAll
  void tearDown() {
    env.close();
    targets.close();
  }

  @Test
  void aGroupEmptyOnBothSidesMatchesAndOneOnOneSideOnlyIsNamed() throws Exception {
    ApplicationFailure failure = applyFails("""
        kind: parity
        legacy: {table: legacy_orders}
        new: {table: new_orders}
        groupBy: [tenant]
        groups: {table: tenants, key: [id]}
        aggregates: ["count(*)", "sum(amount)"]
        """, "one-side");
    String message = failure.getOriginalMessage();
    assertTrue(message.contains("1 of 4 groups by [tenant] differ: tenant=2 missing in new (legacy count(*) 1, "
        + "sum(amount) 5.00)"), message);
    JsonNode groups = lastReport("one-side").at("/groups");
    assertEquals(4, groups.at("/listedGroups").asInt());
    assertEquals("tenant=3", groups.at("/emptyOnBoth/0").asText());
    assertEquals("tenant=2 (legacy only)", groups.at("/oneSideOnly/0").asText());
    JsonNode empty = groups.at("/perGroup/2");
    assertEquals("3", empty.at("/group/tenant").asText());
    assertEquals("neither", empty.at("/rows").asText());
    assertEquals("0", empty.at("/legacy/count(*)").asText());
    assertEquals("0", empty.at("/new/count(*)").asText());
    assertTrue(empty.at("/matches").asBoolean(), "0 = 0");
    JsonNode oneSide = groups.at("/perGroup/1");
    assertEquals("legacy only", oneSide.at("/rows").asText());
    assertEquals("0", oneSide.at("/new/count(*)").asText(), "the side without rows counts 0");
    assertFalse(oneSide.at("/matches").asBoolean());
  }

  @Test
  void everyGroupMustHaveRowsWhenThePlanSaysSo() throws Exception {
    String message = applyFails("""
        kind: parity
        legacy: {table: legacy_orders, where: tenant <> 2}
        new: {table: new_orders}
        groupBy: [tenant]
        groups: {query: "SELECT id AS tenant FROM tenants WHERE id <> 2", requireRows: true}
        """, "require-rows").getOriginalMessage();
    assertTrue(message.contains("1 of 3 groups by [tenant] differ: tenant=3 has no rows on either side"), message);
  }

  @Test
  void aGroupWithRowsThatTheRelationDoesNotListIsNamed() throws Exception {
    String message = applyFails("""
        kind: parity
        legacy: {table: legacy_orders}
        new: {table: new_orders}
        groupBy: [tenant]
        groups: {table: tenants, where: id <> 4, key: [id]}
        """, "unlisted").getOriginalMessage();
    assertTrue(message.contains("tenant=4 has rows but is not in the groups relation"), message);
  }

  @Test
  void numbersAreComparedByValueOnTheGroupAndTheRowPathAndTheReportShowsEachGroup() throws Exception {
    StepResult result = steps.apply(call(step("""
        kind: parity
        legacy: {table: legacy_orders, where: tenant <> 2}
        new: {table: new_orders}
        key: [tenant, id]
        groupBy: [tenant]
        groups: {table: tenants, where: id <> 2, key: [id]}
        aggregates: ["count(*)", "sum(amount)", "avg(amount)::float8"]
        """, "by-value")));

    assertTrue(result.outcome().contains("3 rows match by key [tenant, id]"), result.outcome());
    assertTrue(result.outcome().contains("3 groups by [tenant] match (count(*), sum(amount), avg(amount)::float8); 1 with"
        + " no rows on either side (tenant=3)"), result.outcome());
    RunReport report = new ReportActivitiesImpl(targets).runReport(new RunRef(target.name(), RUN));
    RunReport.FindingRow finding = report.findings().stream().filter(f -> f.stepId().equals("by-value")).findFirst()
        .orElseThrow();
    JsonNode first = JSON.readTree(finding.report()).at("/groups/perGroup/0");
    assertEquals("1", first.at("/group/tenant").asText());
    assertEquals("3.50", first.at("/legacy/sum(amount)").asText());
    assertEquals("3.5", first.at("/new/sum(amount)").asText());
    assertTrue(first.at("/matches").asBoolean(), "3.50 = 3.5");
    assertEquals("amount", JSON.readTree(finding.report()).at("/comparedByValue/0").asText());
  }

  /** An integer and a numeric, a double and a numeric: equal values are equal rows; a different value is named. */
  @Test
  void rowsCompareIntegersDoublesAndNumericsByValue() throws Exception {
    execute("""
        CREATE TABLE legacy_items (id int PRIMARY KEY, qty int, ratio float8, price numeric(8, 3));
        CREATE TABLE new_items (id int PRIMARY KEY, qty numeric, ratio numeric, price numeric);
        INSERT INTO legacy_items VALUES (1, 2, 0.1, 1.500), (2, 7, 1e-7, 10), (3, 1, 2.5, 0);
        INSERT INTO new_items VALUES (1, 2.0, 0.10, 1.5), (2, 7.00, 0.0000001, 10.0), (3, 1, 2.5, 0.001);
        """);
    String message = applyFails("""
        kind: parity
        legacy: {table: legacy_items}
        new: {table: new_items}
        key: [id]
        """, "items").getOriginalMessage();
    assertTrue(message.contains("1 changed: (id=3): price '0' → '0.001'"), message);
    assertEquals(List.of("qty", "ratio", "price"),
        JSON.convertValue(lastReport("items").at("/comparedByValue"), List.class));
  }

  @Test
  void valuesCompareNumbersByValueAndTheRestByText() {
    assertTrue(Values.same("1.5", "1.50"));
    assertTrue(Values.same("2", "2.000"));
    assertTrue(Values.same("1e3", "1000"));
    assertTrue(Values.same("0.1", "0.10"));
    assertFalse(Values.same("0.30000000000000004", "0.3"), "two different doubles stay different");
    assertTrue(Values.same("NaN", "NaN"));
    assertFalse(Values.same("NaN", "0"));
    assertFalse(Values.same("1.5", null));
    assertFalse(Values.same("abc", "ABC"));
  }

  @Test
  void groupsNeedGroupByAndOneColumnPerGroupByColumn() {
    String yaml = "name: p\ntarget: t\nphases:\n  - name: check\n    steps:\n      - id: p\n        kind: parity\n"
        + "        legacy: {table: a}\n        new: {table: b}\n        key: [id]\n"
        + "        groups: {table: tenants, key: [id, region]}\n";
    cutover.plan.InvalidPlanException e = assertThrows(cutover.plan.InvalidPlanException.class,
        () -> PlanParser.parse(yaml, "plan.yaml", Set.of("t"), StepKinds.ALL));
    assertTrue(e.getMessage().contains("groups: lists the groups of groupBy:; give groupBy: too"), e.getMessage());
  }

  private PlanStep step(String fields, String id) {
    String yaml = "name: p\ntarget: t\nphases:\n  - name: check\n    steps:\n      - id: " + id + "\n"
        + fields.lines().map(line -> "        " + line + "\n").reduce("", String::concat);
    try {
      return PlanParser.parse(yaml, "plan.yaml", Set.of("t"), StepKinds.ALL).step(id).orElseThrow();
    } catch (cutover.plan.InvalidPlanException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private StepCall call(PlanStep step) {
    return new StepCall(target.name(), RUN, "check", step, false);
  }

  private ApplicationFailure applyFails(String fields, String id) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, () -> steps.apply(call(step(fields, id))));
    return assertInstanceOf(ApplicationFailure.class, failure.getCause());
  }

  private JsonNode lastReport(String stepId) throws Exception {
    RunReport report = new ReportActivitiesImpl(targets).runReport(new RunRef(target.name(), RUN));
    List<RunReport.FindingRow> rows = report.findings().stream().filter(f -> f.stepId().equals(stepId)).toList();
    return JSON.readTree(rows.get(rows.size() - 1).report());
  }

  private void execute(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
