package cutover.activities;

import cutover.activities.steps.sql.SqlSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.plan.PlanStep;
import cutover.testing.TestDatabase;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Runs, decisions, events and plans in the ledger of a real PostgreSQL. */
class LedgerActivitiesTest {
  private Targets.Target demo;
  private Targets.Target other;
  private Targets targets;
  private TestActivityEnvironment env;
  private LedgerActivities ledger;
  private StepActivities steps;

  @BeforeEach
  void setUp() {
    demo = TestDatabase.newDatabase("demo");
    other = TestDatabase.newDatabase("other");
    targets = Targets.of(List.of(demo, other));
    env = ActivityEnvironments.create();
    env.registerActivitiesImplementations(new LedgerActivitiesImpl(targets), new StepActivitiesImpl(targets));
    ActivityOptions options = ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
    ledger = env.newActivityStub(LedgerActivities.class, options);
    steps = env.newActivityStub(StepActivities.class, options);
  }

  @AfterEach
  void tearDown() {
    env.close();
    targets.close();
  }

  @Test
  void beginsARunAndRefusesASecondActiveRunOnTheSameTarget() throws SQLException {
    RunStart first = ledger.beginRun(begin("demo", "r1", "wf-1", "alice", false));
    assertEquals(new RunStart("r1", "alice", false), first);
    assertEquals("active", runColumn(demo, "r1", "state"));

    ApplicationFailure busy = fails(() -> ledger.beginRun(begin("demo", "r2", "wf-2", "bob", false)));
    assertEquals("TargetBusy", busy.getType());
    assertTrue(busy.isNonRetryable());
    String message = busy.getOriginalMessage();
    assertTrue(message.startsWith("target 'demo' already has an active cutover: run r1 (workflow wf-1), started by alice at "),
        message);
    assertTrue(message.endsWith("Wait for it to finish, roll it back, or resume it with `cutover start --resume r1`."),
        message);
    assertNull(runColumn(demo, "r2", "state"));

    // another target is another database: it may have its own active run
    assertEquals(new RunStart("r2", "bob", false), ledger.beginRun(begin("other", "r2", "wf-2", "bob", false)));

    // once r1 ended, demo takes a new run
    ledger.endRun(new EndRun("demo", "r1", LedgerRunState.COMPLETED, "all steps applied"));
    assertEquals(new RunStart("r3", "bob", false), ledger.beginRun(begin("demo", "r3", "wf-3", "bob", false)));
  }

  @Test
  void aRetriedBeginReturnsTheSameStart() throws SQLException {
    BeginRun request = begin("demo", "r1", "wf-1", "alice", false);
    RunStart first = ledger.beginRun(request);
    RunStart again = ledger.beginRun(request);
    assertEquals(first, again);
    assertEquals(1, count(demo, "SELECT count(*) FROM cutover.run"));
  }

  @Test
  void aRunIdUsedByAnotherWorkflowIsRefused() {
    ledger.beginRun(begin("demo", "r1", "wf-1", "alice", false));
    ledger.endRun(new EndRun("demo", "r1", LedgerRunState.FAILED, "step x failed"));

    ApplicationFailure exists = fails(() -> ledger.beginRun(begin("demo", "r1", "wf-other", "bob", false)));
    assertEquals("RunExists", exists.getType());
    assertEquals("run id r1 is already used (state failed); choose another workflow id, or resume it with --resume r1",
        exists.getOriginalMessage());
  }

  /** Temporal lets a closed workflow's id start again: that is a new run, and its id is taken. */
  @Test
  void aRunIdIsUsedOnceEvenByAWorkflowStartedAgainUnderTheSameId() throws SQLException {
    for (String ended : List.of("completed", "rolled_back")) {
      String run = "r-" + ended;
      ledger.beginRun(begin("demo", run, run, "alice", false));
      ledger.endRun(new EndRun("demo", run, LedgerRunState.of(ended), null));

      ApplicationFailure again = fails(() -> ledger.beginRun(begin("demo", run, run, "alice", false)));
      assertEquals("RunExists", again.getType());
      assertTrue(again.isNonRetryable());
      assertEquals("run id " + run + " is already used (state " + ended + "); choose another workflow id",
          again.getOriginalMessage());
      assertEquals(ended, runColumn(demo, run, "state"), "the ended run stays as it ended");
    }
    ledger.beginRun(begin("demo", "r-failed", "r-failed", "alice", false));
    ledger.endRun(new EndRun("demo", "r-failed", LedgerRunState.FAILED, "step x failed"));
    ApplicationFailure failed = fails(() -> ledger.beginRun(begin("demo", "r-failed", "r-failed", "alice", false)));
    assertEquals("run id r-failed is already used (state failed); choose another workflow id, or resume it with "
        + "--resume r-failed", failed.getOriginalMessage());
    assertEquals(0, count(demo, "SELECT count(*) FROM cutover.run WHERE state = 'active'"), "no run became active");
  }

  @Test
  void resumeTakesTheRunOverAndKeepsWhoStartedIt() throws SQLException {
    ledger.beginRun(begin("demo", "r1", "wf-1", "alice", false));
    ledger.endRun(new EndRun("demo", "r1", LedgerRunState.FAILED, "step x failed"));
    assertNotNull(runColumn(demo, "r1", "ended_at"));

    RunStart resumed = ledger.beginRun(begin("demo", "r1", "wf-2", "bob", true));
    assertEquals(new RunStart("r1", "alice", true), resumed);
    assertEquals("active", runColumn(demo, "r1", "state"));
    assertEquals("wf-2", runColumn(demo, "r1", "workflow_id"));
    assertEquals("alice", runColumn(demo, "r1", "started_by"));
    assertNull(runColumn(demo, "r1", "ended_at"));

    // resuming an active run (its workflow lost) takes it over again; a retry of that is harmless
    assertEquals(new RunStart("r1", "alice", true), ledger.beginRun(begin("demo", "r1", "wf-3", "carol", true)));
    assertEquals(new RunStart("r1", "alice", true), ledger.beginRun(begin("demo", "r1", "wf-3", "carol", true)));
    assertEquals("wf-3", runColumn(demo, "r1", "workflow_id"));
  }

  /** Temporal lost twice, each time resumed under the same workflow id: each takeover unpauses the run. */
  @Test
  void aSecondResumeUnderTheSameWorkflowIdUnpausesTheRunAgain() throws SQLException {
    ledger.beginRun(begin("demo", "r1", "r1", "alice", false));
    String latest = "SELECT kind FROM cutover.run_event WHERE run_id = 'r1' AND kind IN ('pause', 'resume') "
        + "ORDER BY id DESC LIMIT 1";
    for (String execution : List.of("exec-2", "exec-3")) {
      ledger.recordEvent(new RunEvent("demo", "r1", "pause:" + execution, "pause", null, "bob", null));
      BeginRun resume = new BeginRun("demo", "r1", "orders-split", "9f86d081884c", "r1", "bob", true, execution);
      assertEquals(new RunStart("r1", "alice", true), ledger.beginRun(resume));
      assertEquals(new RunStart("r1", "alice", true), ledger.beginRun(resume), "a retried begin");
      assertEquals("resume", text(demo, latest), "after the takeover by " + execution);
    }
    assertEquals(2, count(demo,
        "SELECT count(*) FROM cutover.run_event WHERE run_id = 'r1' AND event_key LIKE 'takeover:%'"));
  }

  @Test
  void aRunThatEndedCannotBeResumed() {
    ledger.beginRun(begin("demo", "r1", "wf-1", "alice", false));
    ledger.endRun(new EndRun("demo", "r1", LedgerRunState.ROLLED_BACK, "rolled back by bob"));

    ApplicationFailure ended = fails(() -> ledger.beginRun(begin("demo", "r1", "wf-2", "bob", true)));
    assertEquals("RunEnded", ended.getType());
    assertTrue(ended.getOriginalMessage().contains("state rolled_back"), ended.getOriginalMessage());

    ApplicationFailure missing = fails(() -> ledger.beginRun(begin("demo", "nope", "wf-2", "bob", true)));
    assertEquals("RunNotFound", missing.getType());
  }

  @Test
  void resumingWhileAnotherRunIsActiveIsRefused() {
    ledger.beginRun(begin("demo", "r1", "wf-1", "alice", false));
    ledger.endRun(new EndRun("demo", "r1", LedgerRunState.FAILED, null));
    ledger.beginRun(begin("demo", "r2", "wf-2", "bob", false));

    ApplicationFailure busy = fails(() -> ledger.beginRun(begin("demo", "r1", "wf-3", "alice", true)));
    assertEquals("TargetBusy", busy.getType());
    assertTrue(busy.getOriginalMessage().contains("run r2 (workflow wf-2), started by bob"), busy.getOriginalMessage());
  }

  @Test
  void endRunIsIdempotentAndKeepsTheFirstEndTime() throws SQLException {
    ledger.beginRun(begin("demo", "r1", "wf-1", "alice", false));
    ledger.endRun(new EndRun("demo", "r1", LedgerRunState.COMPLETED, "done"));
    String endedAt = runColumn(demo, "r1", "ended_at");
    ledger.endRun(new EndRun("demo", "r1", LedgerRunState.COMPLETED, "done"));
    assertEquals(endedAt, runColumn(demo, "r1", "ended_at"));
    assertEquals("done", runColumn(demo, "r1", "detail"));

    assertEquals("BadRequest", fails(() -> ledger.endRun(new EndRun("demo", "r1", LedgerRunState.ACTIVE, null))).getType());
    assertEquals("RunNotFound", fails(() -> ledger.endRun(new EndRun("demo", "zz", LedgerRunState.FAILED, null))).getType());
  }

  @Test
  void decisionsAreRecordedOncePerSignalAndOnlyAcceptedOnesCount() throws SQLException {
    ledger.beginRun(begin("demo", "r1", "wf-1", "alice", false));
    DecisionRecord refused = new DecisionRecord("demo", "r1", "approve-cutover", "approve", "alice", "lgtm", false,
        "alice started the run and may not approve it alone", "sig-1", 1_700_000_000_000L);
    DecisionRecord bob = new DecisionRecord("demo", "r1", "approve-cutover", "approve", "bob", "ok", true, null,
        "sig-2", 1_700_000_001_000L);
    DecisionRecord carol = new DecisionRecord("demo", "r1", "approve-cutover", "approve", "carol", null, true, null,
        "sig-3", 1_700_000_002_000L);
    DecisionRecord elsewhere = new DecisionRecord("demo", "r1", "other-gate", "reject", "dave", "no", true, null,
        "sig-4", 1_700_000_003_000L);

    ledger.recordDecision(refused);
    ledger.recordDecision(carol);
    ledger.recordDecision(bob);
    ledger.recordDecision(bob);
    ledger.recordDecision(elsewhere);

    assertEquals(4, count(demo, "SELECT count(*) FROM cutover.decision"));
    List<DecisionRecord> accepted = ledger.gateDecisions(new GateRef("demo", "r1", "approve-cutover"));
    assertEquals(List.of(bob, carol), accepted);
  }

  @Test
  void aSignedDecisionKeepsItsPrincipalEvidenceAndSignature() throws SQLException {
    ledger.beginRun(begin("demo", "r1", "wf-1", "carol", false));
    DecisionRecord signed = new DecisionRecord("demo", "r1", "go", "approve", "alice", null, true, null, "sig-1",
        1_700_000_000_000L, true, "0123abcd", "sha256:00ff", "-----BEGIN SSH SIGNATURE-----\nU1NI\n");
    DecisionRecord unsigned = new DecisionRecord("demo", "r1", "go", "approve", "bob", null, true, null, "sig-2",
        1_700_000_001_000L);
    ledger.recordDecision(signed);
    ledger.recordDecision(unsigned);

    assertEquals(List.of(signed, unsigned), ledger.gateDecisions(new GateRef("demo", "r1", "go")));
    assertEquals(1, count(demo, "SELECT count(*) FROM cutover.decision WHERE signed AND decided_by = 'alice'"));
  }

  @Test
  void eventsAreRecordedOncePerKey() throws SQLException {
    ledger.beginRun(begin("demo", "r1", "wf-1", "alice", false));
    RunEvent pause = new RunEvent("demo", "r1", "pause-1", "pause", null, "alice", "lunch");
    ledger.recordEvent(pause);
    ledger.recordEvent(pause);
    ledger.recordEvent(new RunEvent("demo", "r1", "retry-add-column-1", "retry", "add-column", "bob", null));

    assertEquals(2, count(demo, "SELECT count(*) FROM cutover.run_event"));
    List<RunEvent> events = new RunEvents(targets.dsl("demo")).events("demo", "r1");
    assertEquals(pause, events.get(0));
    assertEquals("retry", events.get(1).kind());
  }

  @Test
  void anAbandonedRunFreesItsTargetAndTheLedgerRefusesItsStepsFromThenOn() throws Exception {
    ledger.beginRun(begin("demo", "r1", "wf-1", "alice", false));
    PlanStep one = sqlStep("one", "SELECT 1");
    PlanStep two = sqlStep("two", "SELECT 2");
    steps.apply(new StepCall("demo", "r1", "main", one));

    AbandonedRun abandoned = ledger.abandonRun(new AbandonRun(null, "r1", "carol", "stuck for good", "q1"));
    assertEquals(new AbandonedRun("r1", "demo", "orders-split", "wf-1", LedgerRunState.ACTIVE,
        List.of("one (sql): sql ran, 0 rows"), List.of()), abandoned);
    assertEquals("abandoned", runColumn(demo, "r1", "state"));
    assertEquals("abandoned by carol: stuck for good", runColumn(demo, "r1", "detail"));
    // a retry of the same call after its commit finds its own abandon
    assertEquals(LedgerRunState.ABANDONED,
        ledger.abandonRun(new AbandonRun("demo", "r1", "carol", "stuck for good", "q1")).stateBefore());
    assertEquals(1, count(demo, "SELECT count(*) FROM cutover.run_event WHERE kind = 'abandoned' AND actor = 'carol'"));

    assertEquals("RunNotActive", fails(() -> steps.apply(new StepCall("demo", "r1", "main", two))).getType());
    assertEquals("RunNotActive", fails(() -> steps.compensate(new StepCall("demo", "r1", "main", one))).getType());
    ledger.endRun(new EndRun("demo", "r1", LedgerRunState.ROLLED_BACK, "its workflow ended before its terminate"));
    assertEquals("abandoned", runColumn(demo, "r1", "state"));
    ApplicationFailure ended = fails(() -> ledger.abandonRun(new AbandonRun("demo", "r1", "dave", "again", "q2")));
    assertEquals("RunEnded", ended.getType());
    assertTrue(ended.getOriginalMessage().startsWith("run r1 has ended (state abandoned at "), ended.getOriginalMessage());
    assertEquals("RunNotFound", fails(() -> ledger.abandonRun(new AbandonRun(null, "zz", "dave", "why", "q3"))).getType());

    assertEquals(new RunStart("r2", "bob", false), ledger.beginRun(begin("demo", "r2", "wf-2", "bob", false)));
  }

  @Test
  void listsRunsNewestFirstWithStepCounts() throws Exception {
    ledger.beginRun(begin("demo", "r1", "wf-1", "alice", false));
    PlanStep one = sqlStep("one", "SELECT 1");
    PlanStep two = sqlStep("two", "SELECT 2");
    steps.apply(new StepCall("demo", "r1", "main", one));
    steps.apply(new StepCall("demo", "r1", "main", two));
    steps.compensate(new StepCall("demo", "r1", "main", two));
    ledger.endRun(new EndRun("demo", "r1", LedgerRunState.ROLLED_BACK, null));
    Thread.sleep(20);
    ledger.beginRun(begin("other", "r2", "wf-2", "bob", false));
    Thread.sleep(20);
    ledger.beginRun(begin("demo", "r3", "wf-3", "carol", false));

    List<RunSummary> all = ledger.listRuns(new ListRuns(null, 10));
    assertEquals(List.of("r3", "r2", "r1"), all.stream().map(RunSummary::runId).toList());
    RunSummary r1 = all.get(2);
    assertEquals("demo", r1.target());
    assertEquals("rolled_back", r1.state());
    assertEquals("alice", r1.startedBy());
    assertEquals(2, r1.stepsApplied());
    assertEquals(1, r1.stepsCompensated());
    assertNotNull(r1.endedAt());
    assertEquals("other", all.get(1).target());
    assertNull(all.get(0).endedAt());

    assertEquals(List.of("r3", "r1"),
        ledger.listRuns(new ListRuns("demo", 10)).stream().map(RunSummary::runId).toList());
    assertEquals(List.of("r3"), ledger.listRuns(new ListRuns(null, 1)).stream().map(RunSummary::runId).toList());
  }

  @Test
  void anUnknownTargetIsNamedWithTheConfiguredOnes() {
    ApplicationFailure unknown = fails(() -> ledger.listRuns(new ListRuns("prod", 10)));
    assertEquals("UnknownTarget", unknown.getType());
    assertTrue(unknown.isNonRetryable());
    assertEquals("unknown target 'prod'; the worker has: demo, other", unknown.getOriginalMessage());
  }

  @Test
  void plansAreVersionedByHashAndFoundByPrefix() {
    Plans plans = new Plans(targets.dsl("demo"));
    assertTrue(plans.savePlan("orders", "abc111", "name: orders # v1", "orders.yaml", "alice"));
    assertFalse(plans.savePlan("orders", "abc111", "name: orders # v1", "orders.yaml", "alice"));
    assertTrue(plans.savePlan("orders", "abc222", "name: orders # v2", "orders.yaml", "bob"));

    assertEquals(Optional.of(new Plans.StoredPlan("abc222", "name: orders # v2", "orders.yaml")),
        plans.loadPlan("orders", null));
    assertEquals("abc111", plans.loadPlan("orders", "abc1").orElseThrow().hash());
    assertEquals(Optional.empty(), plans.loadPlan("orders", "fff"));
    assertEquals(Optional.empty(), plans.loadPlan("billing", null));
    ApplicationFailure ambiguous = assertThrows(ApplicationFailure.class, () -> plans.loadPlan("orders", "abc"));
    assertEquals("AmbiguousPlanVersion", ambiguous.getType());
    assertTrue(ambiguous.getOriginalMessage().contains("abc111, abc222")
        || ambiguous.getOriginalMessage().contains("abc222, abc111"), ambiguous.getOriginalMessage());

    // pushing v1 again makes it the latest
    assertFalse(plans.savePlan("orders", "abc111", "name: orders # v1", "orders.yaml", "carol"));
    assertEquals("abc111", plans.loadPlan("orders", null).orElseThrow().hash());
  }

  @Test
  void concurrentBeginsOfDifferentRunsLeaveOneActive() throws Exception {
    int threads = 4;
    AtomicInteger started = new AtomicInteger();
    AtomicInteger busy = new AtomicInteger();
    LedgerActivitiesImpl direct = new LedgerActivitiesImpl(targets);
    Thread[] workers = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      int n = i;
      workers[i] = new Thread(() -> {
        try {
          direct.beginRun(begin("demo", "c" + n, "wf-c" + n, "user" + n, false));
          started.incrementAndGet();
        } catch (ApplicationFailure e) {
          if ("TargetBusy".equals(e.getType())) {
            busy.incrementAndGet();
          }
        }
      });
    }
    for (Thread worker : workers) {
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join(30_000);
    }
    assertEquals(1, started.get());
    assertEquals(threads - 1, busy.get());
    assertEquals(1, count(demo, "SELECT count(*) FROM cutover.run WHERE state = 'active'"));
  }

  // ---- helpers

  private static BeginRun begin(String target, String runId, String workflowId, String startedBy, boolean resume) {
    return new BeginRun(target, runId, "orders-split", "9f86d081884c", workflowId, startedBy, resume);
  }

  private static PlanStep sqlStep(String id, String sql) {
    return new PlanStep(id, null, "SELECT 0", false, false, new SqlSpec(sql), 1);
  }

  private static ApplicationFailure fails(Executable call) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, call);
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, failure.getCause());
    assertFalse(cause.getOriginalMessage().contains(TestDatabase.password()));
    return cause;
  }

  private static String runColumn(Targets.Target target, String runId, String column) throws SQLException {
    try (Connection connection = TestDatabase.connect(target);
        PreparedStatement statement = connection.prepareStatement(
            "SELECT run_id, state, workflow_id, started_by, ended_at::text, detail FROM cutover.run WHERE run_id = ?")) {
      statement.setString(1, runId);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next() ? rows.getString(column.equals("ended_at") ? "ended_at" : column) : null;
      }
    }
  }

  private static String text(Targets.Target target, String sql) throws SQLException {
    try (Connection connection = TestDatabase.connect(target);
        PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet rows = statement.executeQuery()) {
      return rows.next() ? rows.getString(1) : null;
    }
  }

  private static long count(Targets.Target target, String sql) throws SQLException {
    try (Connection connection = TestDatabase.connect(target);
        PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
