package cutover.activities;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backfill from one target into another (two databases of the embedded server), driven as the
 * workflow drives it through the real activities: exact by checksum, also after a failure mid-copy
 * and after the source's connection is killed; undone by its compensation; checked by a parity
 * whose legacy side is on the source target.
 */
class CopyBetweenTargetsTest {
  static final String SOURCE_TABLE = "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, score numeric(8,2),"
      + " joined timestamptz, tags text[], note text)";
  static final String FILL = "INSERT INTO users SELECT g, 'u' || g || '@example.org', (g % 1000) / 7.0,"
      + " timestamptz '2026-01-01 00:00+00' + g * interval '1 minute', ARRAY['t' || (g % 3), 'x'],"
      + " CASE WHEN g % 11 = 0 THEN NULL ELSE E'line\\twith tab ' || g END FROM generate_series(1, 3000) g";
  static final String COPY_STEP = """
      fromTarget: staging
      from: public.users
      key: [id]
      into: public.users
      columns: {id: id, email: email, score: score, joined: joined, tags: tags, note: note}
      batchSize: 300
      """;

  /** Two databases of the embedded server, shared by the tests: each test has a run of its own and a fresh destination table. */
  static Targets.Target prod;
  static Targets.Target staging;
  static Targets targets;
  static TestActivityEnvironment env;
  static StepActivities steps;
  static LedgerActivities ledger;
  static int runs;
  String run;

  @BeforeAll
  static void setUpTargets() throws SQLException {
    prod = TestDatabase.newDatabase("prod");
    staging = TestDatabase.newDatabase("staging");
    targets = Targets.of(List.of(prod, staging));
    env = environment(targets);
    steps = stub(env);
    ledger = env.newActivityStub(LedgerActivities.class, options());
    execute(staging, SOURCE_TABLE + ";" + FILL);
  }

  @AfterAll
  static void tearDownTargets() {
    env.close();
    targets.close();
  }

  @BeforeEach
  void freshRunAndDestination() throws SQLException {
    if (runs > 0) { // one run at a time per target
      ledger.endRun(new EndRun("prod", "run-" + runs, LedgerRunState.COMPLETED, "next test"));
    }
    run = "run-" + ++runs;
    ledger.beginRun(new BeginRun("prod", run, "plan", "abc123", "wf-" + run, "alice", false));
    execute(prod, "DROP TABLE IF EXISTS users, allowed; DROP SEQUENCE IF EXISTS kill_once;"
        + "DROP FUNCTION IF EXISTS trip, kill_source;" + SOURCE_TABLE);
  }

  @Test
  void copiesExactlyByChecksumInParts() throws SQLException {
    PlanStep step = step("copy-users", COPY_STEP + "partitions: 3\n");
    StepResult result = apply(step);
    assertEquals(checksum(staging, "users"), checksum(prod, "users"));
    assertEquals(3000, result.rows());
    assertTrue(result.outcome().contains("copied 3,000 rows from public.users of target 'staging' into public.users"),
        result.outcome());
    assertTrue(result.outcome().contains("not captured"), result.outcome());
    assertEquals(0, count(staging, "SELECT count(*) FROM pg_namespace WHERE nspname = 'cutover'"),
        "the source's ledger is never created: a read-only user will do");
  }

  @Test
  void convertsTypesThatDifferByText() throws SQLException {
    execute(prod, "DROP TABLE users; CREATE TABLE users (id integer PRIMARY KEY, email varchar(100), score numeric,"
        + " joined timestamptz, tags text[], note text)");
    PlanStep step = step("copy-users", COPY_STEP);
    StepCall call = call(step);
    steps.prepareParts(new PartsCall(call, StepAction.APPLY));
    PartResult part = steps.runPart(new PartCall(call, StepAction.APPLY, 0, 1));
    assertTrue(part.summary().contains("COPY text"), part.summary());
    steps.apply(call);
    assertEquals(checksum(staging, "users"), checksum(prod, "users"));
  }

  @Test
  void upsertsThroughAStagedBatch() throws SQLException {
    execute(prod, "INSERT INTO users (id, email) VALUES (10, 'old'), (900000, 'kept')");
    PlanStep step = step("copy-users", COPY_STEP.replace("batchSize: 300\n", "batchSize: 400\n")
        + "onConflict: update\nconflictColumns: [id]\n");
    StepCall call = call(step);
    steps.prepareParts(new PartsCall(call, StepAction.APPLY));
    PartResult part = steps.runPart(new PartCall(call, StepAction.APPLY, 0, 1));
    assertTrue(part.summary().contains("COPY binary"), part.summary());
    steps.apply(call);
    assertEquals(checksum(staging, "users"), checksum(prod, "users WHERE id <> 900000"));
    assertEquals("kept", text(prod, "SELECT email FROM users WHERE id = 900000"));
  }

  /**
   * A row the destination refuses (an email too long for its column, a duplicate of a row already
   * there, a CHECK): the failure names the source row by its key and the column, with the server's words.
   */
  @Test
  void aRowTheDestinationRefusesIsNamedByItsSourceKey() throws SQLException {
    execute(prod, "DROP TABLE users; CREATE TABLE users (id bigint PRIMARY KEY, email varchar(16) NOT NULL,"
        + " score numeric(8,2), joined timestamptz, tags text[], note text)");
    PlanStep step = step("copy-users", COPY_STEP);
    String tooLong = String.valueOf(assertThrows(ActivityFailure.class, () -> apply(step)).getCause().getMessage());
    assertTrue(tooLong.contains("failed: value too long for type character varying(16) (SQLSTATE 22001); source row"
        + " (id)=(1000) of public.users of target 'staging', column email. Nothing of the failed batch was committed"), tooLong);
    assertEquals(900, count(prod, "SELECT count(*) FROM users"), "the batches before it stay");

    freshRunAndDestination();
    execute(prod, "INSERT INTO users (id, email) VALUES (2500, 'already here')");
    String duplicate = String.valueOf(assertThrows(ActivityFailure.class, () -> apply(step)).getCause().getMessage());
    assertTrue(duplicate.contains("failed: duplicate key value violates unique constraint \"users_pkey\" (SQLSTATE 23505;"
        + " DETAIL: Key (id)=(2500) already exists.); source row (id)=(2500) of public.users of target 'staging',"
        + " constraint users_pkey."), duplicate);
  }

  /** A failure after 5 committed batches of 300: the part fails; run again (as Temporal retries it), it goes on from its checkpoint. */
  @Test
  void resumesFromItsCheckpointAfterAFailureMidCopy() throws SQLException {
    execute(prod, "CREATE TABLE allowed (ok boolean);"
        + "CREATE FUNCTION trip() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " IF NEW.id = 1501 AND NOT EXISTS (SELECT 1 FROM allowed) THEN RAISE EXCEPTION 'killed mid-copy'; END IF;"
        + " RETURN NEW; END $$;"
        + "CREATE TRIGGER trip BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION trip()");
    PlanStep step = step("copy-users", COPY_STEP);
    StepCall call = call(step);
    StepParts parts = steps.prepareParts(new PartsCall(call, StepAction.APPLY));
    assertEquals(1, parts.parts());
    ActivityFailure failed = assertThrows(ActivityFailure.class,
        () -> steps.runPart(new PartCall(call, StepAction.APPLY, 0, 1)));
    assertTrue(message(failed).startsWith("step 'copy-users' failed: killed mid-copy"), message(failed));
    assertEquals(1500, count(prod, "SELECT count(*) FROM users"));
    assertEquals(1500, count(prod,
        "SELECT rows_done FROM cutover.backfill_checkpoint WHERE run_id = ? AND step_id = 'copy-users'", run));
    execute(prod, "INSERT INTO allowed VALUES (true)");
    PartResult retried = steps.runPart(new PartCall(call, StepAction.APPLY, 0, 1));
    assertEquals(1500, retried.rowsThisAttempt());
    steps.apply(call);
    assertEquals(3000, count(prod, "SELECT count(DISTINCT id) FROM users"));
    assertEquals(checksum(staging, "users"), checksum(prod, "users"));
  }

  /**
   * The source's session is terminated in the middle of a batch (from a trigger on the
   * destination, once): the batch rolls back with its checkpoint and is run again in place.
   */
  @Test
  void goesOnAfterTheSourceConnectionIsKilled() throws SQLException {
    String sourceDatabase = staging.jdbcUrl().substring(staging.jdbcUrl().lastIndexOf('/') + 1);
    execute(prod, "CREATE SEQUENCE kill_once;"
        + "CREATE FUNCTION kill_source() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " IF NEW.id = 1700 AND nextval('kill_once') = 1 THEN"
        + " PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + sourceDatabase + "'"
        + " AND application_name = 'cutover'; END IF; RETURN NEW; END $$;"
        + "CREATE TRIGGER kill_source BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION kill_source()");
    PlanStep step = step("copy-users", COPY_STEP);
    StepResult result = apply(step);
    assertEquals(3000, result.rows());
    // row 1700 was written twice: in the batch that rolled back with the source's session, and again
    assertEquals(3, count(prod, "SELECT nextval('kill_once')"), "the source was killed once");
    assertEquals(3000, count(prod, "SELECT count(DISTINCT id) FROM users"));
    assertEquals(checksum(staging, "users"), checksum(prod, "users"));
  }

  @Test
  void itsCompensationRemovesWhatItCopied() throws SQLException {
    execute(prod, "INSERT INTO users (id, email) VALUES (900000, 'outside the copied range')");
    PlanStep step = step("copy-users", COPY_STEP);
    apply(step);
    StepCall call = call(step);
    StepParts parts = steps.prepareParts(new PartsCall(call, StepAction.COMPENSATE));
    for (int i = 0; i < parts.parts(); i++) {
      steps.runPart(new PartCall(call, StepAction.COMPENSATE, i, parts.parts()));
    }
    StepResult undone = steps.compensate(call);
    assertTrue(undone.outcome().contains("removed 3,000 copied rows"), undone.outcome());
    assertEquals(1, count(prod, "SELECT count(*) FROM users"));
    assertEquals(3000, count(staging, "SELECT count(*) FROM users"), "the source is only read");
  }

  @Test
  void aWorkerThatDoesNotKnowTheSourceSaysSoWithoutItsUrl() {
    try (Targets onlyProd = Targets.of(List.of(prod))) {
      TestActivityEnvironment alone = environment(onlyProd);
      try {
        StepActivities without = stub(alone);
        PlanStep step = step("copy-users", COPY_STEP);
        ActivityFailure failed = assertThrows(ActivityFailure.class,
            () -> without.prepareParts(new PartsCall(call(step), StepAction.APPLY)));
        String message = message(failed);
        assertTrue(message.contains("step 'copy-users' reads from target 'staging', which this worker does not know"),
            message);
        assertTrue(message.contains("CUTOVER_TARGET_STAGING_URL"), message);
        assertFalse(message.contains(staging.jdbcUrl()) || message.contains("localhost")
            || message.contains(TestDatabase.password()), message);
      } finally {
        alone.close();
      }
    }
  }

  /** A worker that reads staging but does not serve it ({@code staging.serve=false}): no queue, no ledger there. */
  @Test
  void aTargetConfiguredToBeReadOnlyIsReadNotServed() throws SQLException {
    Properties file = new Properties();
    for (Targets.Target target : List.of(prod, staging)) {
      file.setProperty(target.name() + ".url", target.jdbcUrl());
      file.setProperty(target.name() + ".user", target.user());
      file.setProperty(target.name() + ".password", target.password());
    }
    file.setProperty("staging.serve", "false");
    try (Targets readOnly = Targets.fromEnvironment(Map.of(), file)) {
      assertEquals(List.of("prod"), readOnly.names());
      assertEquals(List.of("prod", "staging"), readOnly.knownNames());
      ApplicationFailure refused = assertThrows(ApplicationFailure.class, () -> readOnly.dataSource("staging"));
      assertTrue(refused.getOriginalMessage().contains("to be read only (staging.serve=false)"),
          refused.getOriginalMessage());
      TestActivityEnvironment worker = environment(readOnly);
      try {
        StepResult result = apply(stub(worker), step("copy-users", COPY_STEP));
        assertEquals(3000, result.rows());
        assertEquals(checksum(staging, "users"), checksum(prod, "users"));
      } finally {
        worker.close();
      }
    }
  }

  @Test
  void aParityBetweenTheTargetsHoldsAfterTheCopyAndFindsADifference() throws SQLException {
    apply(step("copy-users", COPY_STEP));
    PlanStep parity = parity("compare-users", """
        legacy: {target: staging, table: public.users}
        new: {table: public.users}
        key: [id]
        chunkRows: 300
        """);
    StepResult holds = steps.apply(call(parity));
    assertTrue(holds.outcome().contains("parity holds: 3,000 rows match by key [id]"), holds.outcome());
    execute(prod, "UPDATE users SET email = 'changed' WHERE id = 2321; DELETE FROM users WHERE id = 77");
    PlanStep again = parity("compare-users-again", """
        legacy: {target: staging, table: public.users}
        new: {table: public.users}
        key: [id]
        groupBy: [tags]
        chunkRows: 300
        """);
    ActivityFailure failed = assertThrows(ActivityFailure.class, () -> steps.apply(call(again)));
    String message = message(failed);
    assertTrue(message.contains("1 missing in new (in legacy only): (id=77)"), message);
    assertTrue(message.contains("(id=2321): email 'u2321@example.org' → 'changed'"), message);
    assertTrue(message.contains("1 of 3 groups by [tags] differ"), message);
  }

  // ---------------------------------------------------------------- helpers

  private StepResult apply(PlanStep step) {
    return apply(steps, step);
  }

  private StepResult apply(StepActivities steps, PlanStep step) {
    StepCall call = call(step);
    StepParts parts = steps.prepareParts(new PartsCall(call, StepAction.APPLY));
    for (int i = 0; i < parts.parts(); i++) {
      steps.runPart(new PartCall(call, StepAction.APPLY, i, parts.parts()));
    }
    return steps.apply(call);
  }

  private StepCall call(PlanStep step) {
    return new StepCall("prod", run, "copy", step);
  }

  static PlanStep step(String id, String fields) {
    return parsed(id, "backfill", fields);
  }

  static PlanStep parity(String id, String fields) {
    return parsed(id, "parity", fields);
  }

  private static PlanStep parsed(String id, String kind, String fields) {
    String yaml = "name: p\ntarget: prod\nphases:\n  - name: copy\n    steps:\n      - id: " + id + "\n        kind: "
        + kind + "\n" + fields.lines().map(line -> "        " + line + "\n").reduce("", String::concat);
    try {
      Plan plan = PlanParser.parse(yaml, "test.yaml", Set.of("prod", "staging"), StepKinds.ALL);
      return plan.step(id).orElseThrow();
    } catch (InvalidPlanException e) {
      throw new IllegalArgumentException(e.getMessage() + "\n" + yaml, e);
    }
  }

  private static TestActivityEnvironment environment(Targets targets) {
    TestActivityEnvironment env = ActivityEnvironments.create();
    env.registerActivitiesImplementations(
        new StepActivitiesImpl(new SqlRunner(targets, Duration.ofMillis(20), Duration.ofMillis(200))),
        new LedgerActivitiesImpl(targets));
    return env;
  }

  private static StepActivities stub(TestActivityEnvironment env) {
    return env.newActivityStub(StepActivities.class, options());
  }

  private static ActivityOptions options() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setHeartbeatTimeout(Duration.ofSeconds(10))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
  }

  private static String message(ActivityFailure failure) {
    Throwable cause = failure.getCause();
    return cause instanceof io.temporal.failure.ApplicationFailure app ? app.getOriginalMessage() : String.valueOf(cause);
  }

  private static void execute(Targets.Target target, String sql) throws SQLException {
    try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static long count(Targets.Target target, String sql, Object... parameters) throws SQLException {
    return TestDatabase.count(target, sql, parameters);
  }

  private static String text(Targets.Target target, String sql) throws SQLException {
    try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Row count and an md5 over every row's text, in a stable order: equal only for equal multisets of rows. */
  private static String checksum(Targets.Target target, String table) throws SQLException {
    return text(target, "SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, '|' ORDER BY r::text)), '-')"
        + " FROM (SELECT * FROM " + table + ") r");
  }
}
