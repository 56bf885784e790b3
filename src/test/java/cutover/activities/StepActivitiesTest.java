package cutover.activities;

import cutover.activities.steps.SqlTimeouts;
import cutover.activities.steps.sql.SqlSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.plan.PlanStep;
import cutover.testing.TestDatabase;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Steps applied and compensated exactly once, against a real PostgreSQL. */
class StepActivitiesTest {
  private static final String RUN = "run-1";

  private Targets.Target target;
  private Targets targets;
  private TestActivityEnvironment env;
  private StepActivities steps;
  /** Every result and failure message the tests saw, checked for secrets after each test. */
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws SQLException {
    target = TestDatabase.newDatabase("steps");
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
    LedgerActivities ledger = env.newActivityStub(LedgerActivities.class, options);
    ledger.beginRun(new BeginRun("steps", RUN, "demo", "abc123", "wf-1", "alice", false));
    execute("CREATE TABLE t (id int)");
  }

  @AfterEach
  void tearDown() {
    try {
      for (String text : seen) {
        assertFalse(text.contains(TestDatabase.password()), "the password leaked: " + text);
        assertFalse(text.contains(target.jdbcUrl()), "the URL leaked: " + text);
      }
    } finally {
      env.close();
      targets.close();
    }
  }

  @Test
  void appliesAStepOnceWhenCalledTwice() throws SQLException {
    PlanStep insert = sqlStep("insert-one", "INSERT INTO t VALUES (1)", "DELETE FROM t WHERE id = 1", NO_TIMEOUTS);

    StepResult first = apply(insert);
    StepResult second = apply(insert);

    assertFalse(first.recorded());
    assertEquals(StepAction.APPLY, first.action());
    assertEquals(1L, first.rows());
    assertEquals(1, first.attempts());
    assertEquals("sql ran, 1 row", first.outcome());
    assertTrue(second.recorded());
    assertEquals(first.outcome(), second.outcome());
    assertEquals(first.rows(), second.rows());
    assertEquals(1, count("SELECT count(*) FROM t"));
    assertEquals(1, ledgerRows("insert-one"));
  }

  @Test
  void planSqlRunsAsWrittenQuestionMarksIncluded() throws SQLException {
    execute("CREATE TABLE docs (d jsonb)");
    PlanStep jsonb = sqlStep("jsonb", "INSERT INTO docs SELECT '{\"a\": 1}'::jsonb WHERE '{\"a\": 1}'::jsonb ? 'a'",
        "DELETE FROM docs", NO_TIMEOUTS);

    assertEquals(1L, apply(jsonb).rows());
    assertEquals(1, count("SELECT count(*) FROM docs"));
  }

  @Test
  void aFailingStepRollsBackAndLeavesNoRecord() throws SQLException {
    PlanStep broken = sqlStep("two-inserts", "INSERT INTO t VALUES (1); INSERT INTO missing VALUES (1)", "DELETE FROM t",
        NO_TIMEOUTS);

    ApplicationFailure failure = applyFails(broken);

    assertEquals("StepFailed", failure.getType());
    assertTrue(failure.isNonRetryable());
    assertTrue(failure.getOriginalMessage().startsWith("step 'two-inserts' failed: relation \"missing\" does not exist"),
        failure.getOriginalMessage());
    assertTrue(failure.getOriginalMessage().endsWith("(SQLSTATE 42P01)"), failure.getOriginalMessage());
    assertEquals(0, count("SELECT count(*) FROM t"));
    assertEquals(0, ledgerRows("two-inserts"));

    execute("CREATE TABLE missing (id int)");
    StepResult fixed = apply(broken);
    assertFalse(fixed.recorded());
    assertEquals(1, count("SELECT count(*) FROM t"));
    assertEquals(1, count("SELECT count(*) FROM missing"));
    assertEquals(1, ledgerRows("two-inserts"));
  }

  @Test
  void retriesOnLockTimeoutUntilTheBlockerCommits() throws Exception {
    List<StepHeartbeat> heartbeats = new CopyOnWriteArrayList<>();
    env.setActivityHeartbeatListener(StepHeartbeat.class, heartbeats::add);
    PlanStep alter = sqlStep("add-column", "ALTER TABLE t ADD COLUMN c int", "ALTER TABLE t DROP COLUMN c",
        new SqlTimeouts(Duration.ofMillis(200), null, null));

    StepResult result;
    try (Connection blocker = TestDatabase.connect(target, "blocker-test")) {
      blocker.setAutoCommit(false);
      try (Statement statement = blocker.createStatement()) {
        statement.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
        statement.execute("SELECT 'sekret-42' AS api_key"); // the blocker's latest SQL, as pg_stat_activity shows it
      }
      CountDownLatch committed = new CountDownLatch(1);
      Thread release = new Thread(() -> {
        try {
          Thread.sleep(1500);
          blocker.commit();
        } catch (InterruptedException | SQLException e) {
          throw new IllegalStateException(e);
        } finally {
          committed.countDown();
        }
      });
      release.start();
      result = apply(alter);
      assertTrue(committed.await(10, TimeUnit.SECONDS));
    }

    assertTrue(result.attempts() > 1, "attempts: " + result.attempts());
    assertTrue(result.millis() >= 1000, "millis: " + result.millis());
    assertTrue(result.outcome().contains("applied after " + result.attempts() + " attempts"), result.outcome());
    assertTrue(result.outcome().contains("app 'blocker-test'"), result.outcome());
    // the blocker's SQL never goes into Temporal (results, heartbeats); the ledger keeps it
    assertFalse(result.outcome().contains("sekret-42"), result.outcome());
    assertFalse(text("SELECT outcome FROM cutover.step WHERE step_id = 'add-column'").contains("sekret-42"));
    String detail = text("SELECT detail FROM cutover.run_event WHERE step_id = 'add-column' AND kind = 'lock_waited'");
    assertTrue(detail.contains("app 'blocker-test'") && detail.contains("holds AccessExclusiveLock on t"), detail);
    assertFalse(detail.contains("sekret-42"), "the event's detail may be shown anywhere: " + detail);
    assertTrue(text("SELECT blocker_sql FROM cutover.run_event WHERE step_id = 'add-column' AND kind = 'lock_waited'")
        .contains("SELECT 'sekret-42' AS api_key"));
    assertEquals(1, count("SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = 'c'"));
    assertEquals(result.attempts(), count("SELECT attempts FROM cutover.step WHERE step_id = 'add-column'"));
    assertFalse(heartbeats.isEmpty());
    assertEquals("add-column", heartbeats.get(0).stepId());
    assertFalse(heartbeats.toString().contains("sekret-42"), heartbeats.toString());
    heartbeats.forEach(h -> seen.add(h.toString()));
  }

  @Test
  void failsOnceLockRetryForIsSpentNamingTheBlockerAndTheBudget() throws Exception {
    PlanStep alter = sqlStep("add-column", "ALTER TABLE t ADD COLUMN c int", "ALTER TABLE t DROP COLUMN c",
        new SqlTimeouts(Duration.ofMillis(500), null, Duration.ofSeconds(3)));

    ApplicationFailure failure;
    long millis;
    int blockerPid;
    try (Connection blocker = holdLock("SELECT 'sekret-42' AS api_key")) {
      blockerPid = backendPid(blocker);
      Thread release = releaseAfter(blocker, 10_000);
      long started = System.nanoTime();
      failure = applyFails(alter);
      millis = (System.nanoTime() - started) / 1_000_000;
      release.interrupt();
      blocker.rollback();
    }

    assertEquals("LockTimeout", failure.getType());
    assertTrue(failure.isNonRetryable());
    String message = failure.getOriginalMessage();
    // the budget, plus at most the one lock_timeout of the attempt running when it ran out (and slack for a busy machine)
    assertTrue(millis >= 3000 && millis < 3000 + 500 + 2500, "gave up after " + millis + " ms: " + message);
    assertTrue(message.startsWith("step 'add-column' could not get its locks within lockRetryFor 3s ("), message);
    assertTrue(message.contains("each waiting up to lock_timeout 500ms"), message);
    assertTrue(message.contains("blocked by pid " + blockerPid + " (app 'blocker-test'"), message);
    assertTrue(message.contains("holds AccessExclusiveLock on t"), message);
    assertTrue(message.contains("give it a longer lockRetryFor"), message);
    assertFalse(message.contains("sekret-42"), "the blocker's SQL never goes into Temporal: " + message);
    assertEquals(0, ledgerRows("add-column"));
  }

  @Test
  void aBlockerShorterThanLockRetryForIsWaitedOut() throws Exception {
    PlanStep alter = sqlStep("add-column", "ALTER TABLE t ADD COLUMN c int", "ALTER TABLE t DROP COLUMN c",
        new SqlTimeouts(Duration.ofMillis(500), null, Duration.ofSeconds(3)));

    StepResult result;
    try (Connection blocker = holdLock("SELECT 1")) {
      // held for 1 s from the step's first wait (however long the activity takes to start)
      Thread release = new Thread(() -> {
        try {
          while (count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'") == 0) {
            Thread.sleep(10);
          }
          Thread.sleep(1000);
          blocker.commit();
        } catch (InterruptedException | SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      release.start();
      result = apply(alter);
      release.join(5000);
    }

    assertTrue(result.attempts() > 1, "attempts: " + result.attempts());
    assertTrue(result.outcome().contains("waited on pid "), result.outcome());
    assertEquals(1, count("SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = 'c'"));
    assertEquals(1, ledgerRows("add-column"));
  }

  @Test
  void aSessionQueuedAheadOfTheStepIsNamedWithTheLockItIsQueuedFor() throws Exception {
    PlanStep read = sqlStep("read-t", "SELECT count(*) FROM t", "SELECT 1",
        new SqlTimeouts(Duration.ofMillis(300), null, Duration.ofSeconds(1)));

    ApplicationFailure failure;
    try (Connection reader = TestDatabase.connect(target, "long-reader");
        Connection ddl = TestDatabase.connect(target, "queued-ddl")) {
      reader.setAutoCommit(false);
      try (Statement statement = reader.createStatement()) {
        statement.execute("SELECT count(*) FROM t"); // holds ACCESS SHARE, which the step's read does not mind
      }
      ddl.setAutoCommit(false);
      Thread queued = new Thread(() -> {
        try (Statement statement = ddl.createStatement()) {
          statement.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE"); // waits behind the reader; the step queues behind it
          ddl.rollback();
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      queued.start();
      while (count("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'queued-ddl' AND wait_event_type = 'Lock'")
          == 0) {
        Thread.sleep(20);
      }
      failure = applyFails(read);
      reader.rollback();
      queued.join(5000);
    }

    String message = failure.getOriginalMessage();
    assertTrue(message.contains("(app 'queued-ddl'") && message.contains("queued for AccessExclusiveLock on t"), message);
    assertFalse(message.contains("long-reader"), "the reader does not block the step's read: " + message);
  }

  /** A session of app 'blocker-test' holding ACCESS EXCLUSIVE on t in an open transaction, its latest SQL as given. */
  private Connection holdLock(String latestSql) throws SQLException {
    Connection blocker = TestDatabase.connect(target, "blocker-test");
    blocker.setAutoCommit(false);
    try (Statement statement = blocker.createStatement()) {
      statement.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
      statement.execute(latestSql);
    }
    return blocker;
  }

  private static Thread releaseAfter(Connection blocker, long millis) {
    Thread release = new Thread(() -> {
      try {
        Thread.sleep(millis);
        blocker.commit();
      } catch (InterruptedException stopped) {
        // the test ended the blocker itself
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    release.start();
    return release;
  }

  private static int backendPid(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  @Test
  void cancellingTheActivityStopsAStepWaitingForALock() throws Exception {
    PlanStep alter = sqlStep("add-column", "ALTER TABLE t ADD COLUMN c int", "ALTER TABLE t DROP COLUMN c",
        new SqlTimeouts(Duration.ofMillis(10000), null, null));
    try (Connection blocker = TestDatabase.connect(target, "blocker-test")) {
      blocker.setAutoCommit(false);
      try (Statement statement = blocker.createStatement()) {
        statement.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
      }
      Thread cancel = new Thread(() -> {
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
        env.requestCancelActivity();
      });
      cancel.start();
      StepActivities heartbeating = env.newActivityStub(StepActivities.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setHeartbeatTimeout(Duration.ofSeconds(3))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build());
      long start = System.nanoTime();
      RuntimeException failure = assertThrows(RuntimeException.class, () -> heartbeating.apply(call(alter)));
      long millis = (System.nanoTime() - start) / 1_000_000;
      Throwable cause = failure instanceof ActivityFailure ? failure.getCause() : failure;
      seen.add(String.valueOf(cause.getMessage()));
      assertInstanceOf(CanceledFailure.class, cause);
      assertTrue(millis < 8000, "took " + millis + " ms");
      assertEquals(0, count("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"),
          "the step's statement should have been cancelled");
      blocker.rollback();
    }
    assertEquals(0, ledgerRows("add-column"));
  }

  @Test
  void aStatementTimeoutIsNotRetriedAndTheSettingsStayInTheTransaction() {
    PlanStep slow = sqlStep("slow", "SELECT pg_sleep(5)", "SELECT 1",
        new SqlTimeouts(Duration.ofMillis(200), Duration.ofMillis(300), null));

    ApplicationFailure failure = applyFails(slow);

    assertEquals("StatementTimeout", failure.getType());
    assertTrue(failure.isNonRetryable());
    assertTrue(failure.getOriginalMessage().contains("canceling statement due to statement timeout (SQLSTATE 57014)"),
        failure.getOriginalMessage());
    // set_config(..., true) is local to the step's transaction: pooled sessions keep the defaults
    for (int i = 0; i < 8; i++) {
      assertEquals("0", targets.dsl("steps").fetchValue("show lock_timeout"));
      assertEquals("0", targets.dsl("steps").fetchValue("show statement_timeout"));
    }
  }

  @Test
  void compensatesOnceAndUndoes() throws SQLException {
    PlanStep insert = sqlStep("insert-one", "INSERT INTO t VALUES (1)", "DELETE FROM t WHERE id = 1", NO_TIMEOUTS);
    apply(insert);

    StepResult undone = compensate(insert);
    assertFalse(undone.recorded());
    assertEquals(StepAction.COMPENSATE, undone.action());
    assertEquals("compensation ran, 1 row", undone.outcome());
    assertEquals(1L, undone.rows());
    assertEquals(0, count("SELECT count(*) FROM t"));

    execute("INSERT INTO t VALUES (1)");
    StepResult again = compensate(insert);
    assertTrue(again.recorded());
    assertEquals(1, count("SELECT count(*) FROM t"), "a second compensate must not run the SQL again");
    assertEquals(2, ledgerRows("insert-one"));
  }

  @Test
  void compensatingAStepNeverAppliedDoesNothing() throws SQLException {
    PlanStep drop = sqlStep("drop-it", "SELECT 1", "DROP TABLE t", NO_TIMEOUTS);

    StepResult result = compensate(drop);

    assertEquals("not applied: nothing to undo", result.outcome());
    assertFalse(result.recorded());
    assertEquals(1, count("SELECT count(*) FROM information_schema.tables WHERE table_name = 't'"));
    assertEquals(0, ledgerRows("drop-it"));
  }

  @Test
  void aStepNeverAppliedIsNotCompensatedEvenWithSettingsPostgresqlRefuses() throws SQLException {
    // a plan pushed before such values were refused at validation: the rollback must not loop on it
    PlanStep failed = sqlStep("too-patient", "SELECT 1", "DROP TABLE t",
        new SqlTimeouts(java.time.Duration.ofDays(30), null, null));

    StepResult result = compensate(failed);

    assertEquals("not applied: nothing to undo", result.outcome());
    assertEquals(1, count("SELECT count(*) FROM information_schema.tables WHERE table_name = 't'"));
  }

  @Test
  void anIrreversibleStepIsRecordedAsNotUndone() throws SQLException {
    PlanStep irreversible = new PlanStep("drop-old", null, null, true, false, new SqlSpec("INSERT INTO t VALUES (7)"),
        1);
    apply(irreversible);

    StepResult result = compensate(irreversible);

    assertEquals("irreversible: not undone", result.outcome());
    assertNull(result.rows());
    assertEquals(1, count("SELECT count(*) FROM t"));
    assertEquals(1, count("SELECT count(*) FROM cutover.step WHERE step_id = 'drop-old' AND action = 'compensate'"));
    assertTrue(compensate(irreversible).recorded());
  }

  @Test
  void theTargetsPasswordNeverShowsInAFailure() throws SQLException {
    String password = TestDatabase.password();
    PlanStep leaky = sqlStep("leaky", "SELECT CAST('" + password + "' AS integer)", "SELECT 1", NO_TIMEOUTS);

    ApplicationFailure failure = applyFails(leaky);

    assertEquals("StepFailed", failure.getType());
    assertTrue(failure.getOriginalMessage().contains("invalid input syntax for type integer: \"***\""),
        failure.getOriginalMessage());
    assertEquals(0, ledgerRows("leaky"));
  }

  @Test
  void aStepOfAnUnknownRunIsRefused() {
    PlanStep insert = sqlStep("insert-one", "INSERT INTO t VALUES (1)", "DELETE FROM t", NO_TIMEOUTS);
    ActivityFailure failure = assertThrows(ActivityFailure.class,
        () -> steps.apply(new StepCall("steps", "no-such-run", "main", insert)));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertEquals("RunNotFound", cause.getType());
  }

  // ---- helpers

  private static final SqlTimeouts NO_TIMEOUTS = SqlTimeouts.DEFAULTS;

  private static PlanStep sqlStep(String id, String sql, String compensate, SqlTimeouts timeouts) {
    return new PlanStep(id, null, compensate, false, false,
        new SqlSpec(sql, timeouts), 1);
  }

  private static StepCall call(PlanStep step) {
    return new StepCall("steps", RUN, "main", step);
  }

  private StepResult apply(PlanStep step) {
    StepResult result = steps.apply(call(step));
    seen.add(result.toString());
    return result;
  }

  private StepResult compensate(PlanStep step) {
    StepResult result = steps.compensate(call(step));
    seen.add(result.toString());
    return result;
  }

  private ApplicationFailure applyFails(PlanStep step) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, () -> steps.apply(call(step)));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    seen.add(cause.getOriginalMessage());
    seen.add(String.valueOf(cause.getMessage()));
    List<String> trace = new ArrayList<>();
    for (Throwable t = cause; t != null; t = t.getCause()) {
      trace.add(String.valueOf(t.getMessage()));
    }
    seen.addAll(trace);
    return cause;
  }

  private void execute(String sql) throws SQLException {
    try (Connection connection = TestDatabase.connect(target); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private long count(String sql) throws SQLException {
    try (Connection connection = TestDatabase.connect(target);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private String text(String sql) throws SQLException {
    try (Connection connection = TestDatabase.connect(target);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      return rows.next() ? rows.getString(1) : "";
    }
  }

  private long ledgerRows(String stepId) throws SQLException {
    return TestDatabase.count(target, "SELECT count(*) FROM cutover.step WHERE run_id = ? AND step_id = ?", RUN, stepId);
  }
}
