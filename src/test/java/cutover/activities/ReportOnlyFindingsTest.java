package cutover.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.activities.steps.StepKinds;
import cutover.plan.InvalidPlanException;
import cutover.plan.PlanParser;
import cutover.plan.PlanStep;
import cutover.testing.TestDatabase;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A report-only check and parity on a real PostgreSQL: their findings are kept, and the step is recorded as applied. */
class ReportOnlyFindingsTest {
  private static final String RUN = "run-report-only";

  private Targets.Target target;
  private Targets targets;
  private TestActivityEnvironment env;
  private StepActivities steps;

  @BeforeEach
  void setUp() throws SQLException {
    target = TestDatabase.newDatabase("reportonly");
    targets = Targets.of(List.of(target));
    env = ActivityEnvironments.create();
    env.registerActivitiesImplementations(new StepActivitiesImpl(new SqlRunner(targets)), new LedgerActivitiesImpl(targets));
    ActivityOptions options = ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build();
    steps = env.newActivityStub(StepActivities.class, options);
    env.newActivityStub(LedgerActivities.class, options)
        .beginRun(new BeginRun("reportonly", RUN, "demo", "abc123", "wf-1", "alice", false));
    execute("""
        CREATE TABLE orders (id int PRIMARY KEY, customer_id int);
        INSERT INTO orders VALUES (1, 10), (2, NULL), (3, NULL);
        CREATE TABLE orders_copy AS SELECT * FROM orders WHERE id < 3;
        """);
  }

  @AfterEach
  void tearDown() {
    env.close();
    targets.close();
  }

  @Test
  void aReportOnlyCheckWithFindingsIsAppliedAndItsReportSaysItDidNotHold() throws Exception {
    StepResult result = steps.apply(call(step("""
        - id: orphans
          kind: check
          reportOnly: true
          query: SELECT id FROM orders WHERE customer_id IS NULL ORDER BY id
        """)));
    assertEquals("report only, not failing: check failed: 2 rows found: (id=2); (id=3)", result.outcome());
    assertEquals(1, count("SELECT count(*) FROM cutover.step WHERE step_id = 'orphans' AND action = 'apply'"));
    JsonNode report = new ObjectMapper().readTree(single(
        "SELECT report FROM cutover.step_report WHERE step_id = 'orphans'"));
    assertFalse(report.get("passed").asBoolean(), report.toString());
    assertEquals("false", single("SELECT passed::text FROM cutover.step_report WHERE step_id = 'orphans'"));
  }

  @Test
  void aReportOnlyParityThatDiffersIsAppliedWithItsDifferences() throws Exception {
    StepResult result = steps.apply(call(step("""
        - id: copy-parity
          kind: parity
          reportOnly: true
          legacy: {table: orders}
          new: {table: orders_copy}
          key: [id]
        """)));
    assertTrue(result.outcome().startsWith("report only, not failing: parity does not hold"), result.outcome());
    assertTrue(result.outcome().contains("(id=3)"), result.outcome());
    assertEquals("false", single("SELECT passed::text FROM cutover.step_report WHERE step_id = 'copy-parity'"));
  }

  @Test
  void aSoakCannotRepeatAReportOnlyCheck() {
    InvalidPlanException refused = org.junit.jupiter.api.Assertions.assertThrows(InvalidPlanException.class,
        () -> PlanParser.parse("""
            name: t
            target: reportonly
            phases:
              - name: main
                steps:
                  - id: clean
                    kind: soak
                    every: 1m
                    for: 1h
                    check:
                      reportOnly: true
                      query: SELECT 1 WHERE false
            """, "t.yaml", null, StepKinds.ALL));
    assertTrue(refused.getMessage().contains("t.yaml:11:"), refused.getMessage());
    assertTrue(refused.getMessage().contains("a soak's verification cannot be report-only"), refused.getMessage());
  }

  private static PlanStep step(String yaml) {
    String indented = yaml.lines().map(line -> "      " + line).reduce((a, b) -> a + "\n" + b).orElse("");
    try {
      return PlanParser.parse("name: t\ntarget: reportonly\nphases:\n  - name: main\n    steps:\n" + indented + "\n",
          "t.yaml", null, StepKinds.ALL).phases().get(0).steps().get(0);
    } catch (InvalidPlanException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  private static StepCall call(PlanStep step) {
    return new StepCall("reportonly", RUN, "main", step);
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
    try (Connection connection = TestDatabase.connect(target); Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
