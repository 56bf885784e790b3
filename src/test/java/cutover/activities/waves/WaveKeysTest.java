package cutover.activities.waves;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.ActivityEnvironments;
import cutover.activities.BeginRun;
import cutover.activities.LedgerActivities;
import cutover.activities.LedgerActivitiesImpl;
import cutover.activities.SqlRunner;
import cutover.activities.StepActivities;
import cutover.activities.StepActivitiesImpl;
import cutover.activities.StepCall;
import cutover.activities.Targets;
import cutover.activities.steps.sql.SqlSpec;
import cutover.plan.PlanStep;
import cutover.testing.TestDatabase;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The key query on a real PostgreSQL, and a wave step reading its key as a bound value. */
class WaveKeysTest {
  private static Targets.Target target;
  private static Targets targets;
  private static TestActivityEnvironment env;
  private static WaveActivities waves;
  private static StepActivities steps;

  /** One database for the class: no test changes what another reads. */
  @BeforeAll
  static void setUp() throws SQLException {
    target = TestDatabase.newDatabase("waves");
    targets = Targets.of(List.of(target));
    env = ActivityEnvironments.create();
    SqlRunner runner = new SqlRunner(targets, Duration.ofMillis(50), Duration.ofMillis(300));
    env.registerActivitiesImplementations(new WaveActivitiesImpl(runner), new StepActivitiesImpl(runner),
        new LedgerActivitiesImpl(targets));
    ActivityOptions options = ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
    waves = env.newActivityStub(WaveActivities.class, options);
    steps = env.newActivityStub(StepActivities.class, options);
    env.newActivityStub(LedgerActivities.class, options)
        .beginRun(new BeginRun("waves", "run-1", "tenants", "abc123", "wf-1", "alice", false));
    execute("CREATE TABLE tenants (id int PRIMARY KEY, name text); "
        + "INSERT INTO tenants SELECT i, 'tenant ' || i FROM generate_series(1, 12) i; "
        + "CREATE TABLE moved (tenant int, note text)");
  }

  @AfterAll
  static void tearDown() {
    env.close();
    targets.close();
  }

  private WaveKeys keys(String query) {
    return waves.keys(new WaveKeysCall("waves", "run-1", "move", query, Duration.ofSeconds(5)));
  }

  @Test
  void listsTheFirstColumnAsTextInTheQuerysOrder() {
    assertEquals(List.of("12", "11", "10", "9", "8", "7", "6", "5", "4", "3", "2", "1"),
        keys("SELECT id, name FROM tenants ORDER BY id DESC").keys());
  }

  @Test
  void runsReadOnlyAndRefusesDuplicatesAndNulls() throws SQLException {
    String write = refusal("WITH gone AS (DELETE FROM tenants RETURNING id) SELECT id FROM gone");
    assertTrue(write.contains("read-only transaction"), write);
    assertEquals(12, TestDatabase.count(target, "SELECT count(*) FROM tenants"));
    String twice = refusal("SELECT 1 FROM tenants");
    assertEquals("keys of phase 'move': key '1' is listed twice (row 2); use SELECT DISTINCT", twice);
    assertEquals("keys of phase 'move': a key is null (row 1); filter it out in the query", refusal("SELECT NULL::text"));
    assertEquals("keys of phase 'move': the query lists no keys; check its WHERE clause (a phase with no keys would do "
        + "nothing)", refusal("SELECT id FROM tenants WHERE false"));
  }

  @Test
  void aSlowQueryStopsAtItsTimeout() {
    ActivityFailure failure = assertThrows(ActivityFailure.class,
        () -> waves.keys(new WaveKeysCall("waves", "run-1", "move", "SELECT pg_sleep(5)::text", Duration.ofMillis(200))));
    String message = ((ApplicationFailure) failure.getCause()).getOriginalMessage();
    assertTrue(message.contains("statement timeout"), message);
  }

  @Test
  void aWaveStepReadsItsKeyAsABoundValue() throws SQLException {
    String key = "7'); DROP TABLE tenants; --";
    PlanStep step = new PlanStep("note[" + key + "]", null, "DELETE FROM moved", false, false,
        new SqlSpec("INSERT INTO moved VALUES (7, current_setting('cutover.key'))"), 1);
    steps.apply(new StepCall("waves", "run-1", "move", step, false, key));
    assertEquals(1, TestDatabase.count(target, "SELECT count(*) FROM moved WHERE note = ?", key));
    assertEquals(12, TestDatabase.count(target, "SELECT count(*) FROM tenants"), "the key is a value, never SQL");
  }

  private String refusal(String query) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, () -> keys(query));
    return ((ApplicationFailure) failure.getCause()).getOriginalMessage();
  }

  private static void execute(String sql) throws SQLException {
    try (Connection connection = TestDatabase.connect(target); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
