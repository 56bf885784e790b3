package cutover.starter;

import cutover.testing.CliRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.TextFormat;
import cutover.activities.PlanPushRequest;
import cutover.activities.Targets;
import cutover.testing.TestDatabase;
import cutover.worker.CutoverWorker;
import cutover.worker.DevEnvironment;
import cutover.worker.TemporalConnection;
import cutover.worker.TemporalDevServer;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.CutoverRequest;
import cutover.workflows.CutoverResult;
import cutover.workflows.CutoverWorkflow;
import cutover.workflows.PlanPushWorkflow;
import cutover.workflows.RunState;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testserver.TestServer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A step waits for a lock held by another application's session, against a real PostgreSQL and
 * Java's test server with the real worker: {@code cutover status} names the blocker while it
 * waits (pid, application, user, state, lock mode, how long), the step goes on when the blocker
 * commits or fails readably once its {@code lockRetryFor} is spent. The worker's role has
 * {@code pg_read_all_stats}, so it sees the blocker's SQL, which holds a literal secret: no
 * Temporal payload (the runs' histories, heartbeats, failures, query answers) carries it; the
 * ledger keeps it, truncated, in {@code run_event.blocker_sql}.
 */
class LockWaitStatusTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SUFFIX = HexFormat.of().formatHex(RANDOM.generateSeed(4));
  /** The cutover worker's role: it may read every session's activity (pg_read_all_stats). */
  private static final String WORKER_ROLE = "cutover_watcher_" + SUFFIX;
  /** The application's role, whose session blocks the step. */
  private static final String APP_ROLE = "billing_app_" + SUFFIX;
  private static final String PASSWORD = "pw-" + HexFormat.of().formatHex(RANDOM.generateSeed(12));
  private static final String SECRET = "sk_live_" + HexFormat.of().formatHex(RANDOM.generateSeed(12));
  /** Past the 2,000 characters the ledger keeps of a blocker's SQL. */
  private static final String BEYOND_TRUNCATION = "tail_" + SUFFIX;
  /** The blocker's latest statement, as pg_stat_activity shows it: a secret first, then more than the ledger keeps. */
  private static final String BLOCKER_SQL = "SELECT '" + SECRET + "' AS api_key, '" + "x".repeat(2500) + "' AS filler, '"
      + BEYOND_TRUNCATION + "' AS tail";

  private static TestServer.PortBoundTestServer server;
  private static TemporalConnection connection;
  private static final List<Targets.Target> TARGETS = new ArrayList<>();
  private static Targets targets;
  private static CutoverWorker worker;
  private static String address;

  /** Every text Temporal handed the tests (status output, heartbeat details, histories), scanned after each test. */
  private final List<String> temporalTexts = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startWorkerWithTwoTargets() throws Exception {
    try (Connection admin = TestDatabase.server().getPostgresDatabase().getConnection()) {
      var sql = DSL.using(admin, SQLDialect.POSTGRES);
      sql.execute("CREATE ROLE {0} LOGIN PASSWORD {1}", DSL.name(WORKER_ROLE), DSL.inline(PASSWORD));
      sql.execute("GRANT pg_read_all_stats TO {0}", DSL.name(WORKER_ROLE));
      sql.execute("CREATE ROLE {0} LOGIN PASSWORD {1}", DSL.name(APP_ROLE), DSL.inline(PASSWORD));
      for (String database : List.of("waits_" + SUFFIX, "gives_up_" + SUFFIX)) {
        sql.execute("CREATE DATABASE {0} OWNER {1}", DSL.name(database), DSL.name(WORKER_ROLE));
      }
    }
    for (String name : List.of("waits", "gives-up")) {
      Targets.Target target = new Targets.Target(name, "jdbc:postgresql://localhost:" + TestDatabase.server().getPort()
          + "/" + name.replace('-', '_') + "_" + SUFFIX, WORKER_ROLE, PASSWORD);
      try (Connection owner = connect(target, WORKER_ROLE, "setup"); Statement statement = owner.createStatement()) {
        statement.execute("CREATE TABLE accounts (id int PRIMARY KEY)");
        statement.execute("GRANT SELECT ON accounts TO " + APP_ROLE);
      }
      TARGETS.add(target);
    }
    targets = Targets.of(TARGETS);
    int port = TemporalDevServer.freePort();
    address = "127.0.0.1:" + port;
    server = TestServer.createPortBoundServer(port, true);
    connection = TemporalConnection.open(address, "default");
    DevEnvironment.registerSearchAttributes(address);
    worker = CutoverWorker.start(connection.client(), targets);
  }

  @AfterAll
  static void stop() throws Exception {
    if (worker != null) {
      worker.close();
    }
    if (connection != null) {
      connection.close();
    }
    if (server != null) {
      server.close();
    }
    if (targets != null) {
      targets.close();
    }
  }

  @AfterEach
  void noTemporalPayloadHoldsTheBlockersSql() {
    assertFalse(temporalTexts.isEmpty());
    for (String text : temporalTexts) {
      assertFalse(text.contains(SECRET), "the blocker's secret reached Temporal: " + text);
      assertFalse(text.contains("api_key") || text.contains("xxxxxxxxxx"), "the blocker's SQL reached Temporal: " + text);
      assertFalse(text.contains(PASSWORD), "the password reached Temporal");
    }
  }

  @Test
  void statusNamesTheBlockerWhileTheStepWaitsAndTheStepGoesOnWhenItCommits() throws Exception {
    Targets.Target target = target("waits");
    push(plan("waits", "2m"));
    String run = "lock-wait-" + SUFFIX;
    try (Blocker blocker = holdLock(target)) {
      CutoverWorkflow cutover = start(run, "waits");

      String waiting = awaitStatus(run, out -> out.contains("add-column waits for locks"));
      assertTrue(waiting.contains("of lockRetryFor 2m; blocked by pid " + blocker.pid() + " (app 'nightly-report', user '"
          + APP_ROLE + "', idle in transaction, holds AccessShareLock on accounts, blocking "), waiting);
      assertTrue(waiting.contains("    ▶ add-column"), waiting);
      temporalTexts.add(CliRun.cutover("status", run, "--json", "--address", address).out());
      temporalTexts.add(heartbeatDetails(run + ".change"));
      assertTrue(temporalTexts.get(temporalTexts.size() - 1).contains("nightly-report"), "the heartbeat names the blocker");

      blocker.connection().commit();
      assertEquals(RunState.COMPLETED, WorkflowStub.fromTyped(cutover).getResult(CutoverResult.class).state());
    }
    String after = CliRun.cutover("status", run, "--address", address).out();
    temporalTexts.add(after);
    assertFalse(after.contains("waits for locks"), after);
    List<String> histories = histories(run);
    assertTrue(String.join("\n", histories).contains("waited on pid "),
        "the step's outcome in the phase's history names the blocker, so the scan reads the payloads");
    temporalTexts.addAll(histories);

    try (Connection ledger = connect(target, WORKER_ROLE, "test"); Statement statement = ledger.createStatement();
        ResultSet row = statement.executeQuery(
            "SELECT detail, blocker_sql FROM cutover.run_event WHERE kind = 'lock_waited' AND step_id = 'add-column'")) {
      assertTrue(row.next(), "a lock_waited event");
      String detail = row.getString(1);
      String sql = row.getString(2);
      assertTrue(detail.contains("user '" + APP_ROLE + "'") && !detail.contains(SECRET), detail);
      assertNotNull(sql);
      assertTrue(sql.contains("SELECT '" + SECRET + "' AS api_key"),
          "the ledger keeps the blocker's SQL: " + sql.substring(0, Math.min(120, sql.length())));
      assertFalse(sql.contains(BEYOND_TRUNCATION), "truncated to 2,000 characters");
      assertTrue(sql.length() <= 2000 + "pid 1234567: ".length(), "length " + sql.length());
    }
  }

  @Test
  void aStepWhoseLockRetryForIsSpentFailsNamingTheBlockerAndTheBudget() throws Exception {
    Targets.Target target = target("gives-up");
    push(plan("gives-up", "3s"));
    String run = "lock-gives-up-" + SUFFIX;
    try (Blocker blocker = holdLock(target)) {
      start(run, "gives-up");
      String failed = awaitStatus(run, out -> out.contains("error: "));
      String error = failed.substring(failed.indexOf("error: "));
      assertTrue(error.contains("step 'add-column' could not get its locks within lockRetryFor 3s ("), failed);
      assertTrue(error.contains("blocked by pid " + blocker.pid() + " (app 'nightly-report', user '" + APP_ROLE
          + "', idle in transaction, holds AccessShareLock on accounts, blocking "), failed);
      temporalTexts.addAll(histories(run));
      blocker.connection().rollback();
    }
    WorkflowStub.fromTyped(connection.client().newWorkflowStub(CutoverWorkflow.class, run)).terminate("test done");
  }

  private static String plan(String target, String lockRetryFor) {
    return """
        name: lock-wait-%s
        target: %s
        phases:
          - name: change
            steps:
              - id: add-column
                kind: sql
                sql: ALTER TABLE accounts ADD COLUMN note text
                compensate: ALTER TABLE accounts DROP COLUMN note
                lockTimeout: 500ms
                lockRetryFor: %s
        """.formatted(target, target, lockRetryFor);
  }

  private static void push(String yaml) {
    connection.client().newWorkflowStub(PlanPushWorkflow.class, WorkflowOptions.newBuilder()
            .setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId("push-" + RANDOM.nextInt(1_000_000)).build())
        .push(new PlanPushRequest(yaml, "plan.yaml", null, "tester"));
  }

  private static CutoverWorkflow start(String run, String target) {
    CutoverWorkflow cutover = connection.client().newWorkflowStub(CutoverWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId(run).build());
    WorkflowClient.start(cutover::run, new CutoverRequest("lock-wait-" + target, target, null, null, "tester"));
    return cutover;
  }

  /** The application's session and its backend pid. */
  record Blocker(Connection connection, int pid) implements AutoCloseable {
    @Override
    public void close() throws SQLException {
      connection.close();
    }
  }

  /** The application's session: it read the table in a transaction still open, its latest SQL holding a secret. */
  private static Blocker holdLock(Targets.Target target) throws SQLException {
    Connection blocker = connect(target, APP_ROLE, "nightly-report");
    int pid = backendPid(blocker);
    blocker.setAutoCommit(false);
    try (Statement statement = blocker.createStatement()) {
      statement.execute("LOCK TABLE accounts IN ACCESS SHARE MODE");
      statement.execute(BLOCKER_SQL);
    }
    return new Blocker(blocker, pid);
  }

  /** `cutover status RUN` until its output passes the check (the heartbeats reach the server every few seconds). */
  private String awaitStatus(String run, java.util.function.Predicate<String> check) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String out = "";
    while (System.nanoTime() < deadline) {
      CliRun status = CliRun.cutover("status", run, "--address", address);
      out = status.out() + status.err();
      temporalTexts.add(out);
      if (check.test(out)) {
        return out;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("status never showed what was expected; last:\n" + out);
  }

  /** The heartbeat details of the workflow's pending activities, as the Temporal UI gets them. */
  private static String heartbeatDetails(String workflowId) {
    StringBuilder text = new StringBuilder();
    for (PendingActivityInfo activity : connection.service().blockingStub()
        .describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
            .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build())
        .getPendingActivitiesList()) {
      activity.getHeartbeatDetails().getPayloadsList()
          .forEach(p -> text.append(p.getData().toString(StandardCharsets.UTF_8)).append('\n'));
    }
    return text.toString();
  }

  /** The whole history of the run and of each phase it started, as text (payloads are JSON, so readable in it). */
  private static List<String> histories(String run) {
    List<String> texts = new ArrayList<>();
    WorkflowExecutionHistory history = connection.client().fetchHistory(run);
    texts.add(TextFormat.printer().escapingNonAscii(false).printToString(history.getHistory()));
    for (HistoryEvent event : history.getEvents()) {
      if (event.getEventType() == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) {
        String child = event.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution().getWorkflowId();
        texts.add(TextFormat.printer().escapingNonAscii(false)
            .printToString(connection.client().fetchHistory(child).getHistory()));
      }
    }
    assertTrue(texts.size() >= 2, "the run and its phase");
    return texts;
  }

  private static Targets.Target target(String name) {
    return TARGETS.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  private static Connection connect(Targets.Target target, String user, String application) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", PASSWORD);
    properties.setProperty("ApplicationName", application);
    return DriverManager.getConnection(target.jdbcUrl(), properties);
  }

  private static int backendPid(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
