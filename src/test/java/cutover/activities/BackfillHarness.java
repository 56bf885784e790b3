package cutover.activities;

import cutover.activities.steps.StepKinds;
import cutover.plan.Plan;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Backfill steps driven as the workflow drives them (prepare the parts, run each part, record the
 * result), through the real activities against a fresh embedded-PostgreSQL database.
 */
final class BackfillHarness implements AutoCloseable {
  static final String RUN = "run-1";

  final Targets.Target target;
  final Targets targets;
  final TestActivityEnvironment env;
  final StepActivities steps;
  /** A second environment: one test environment runs one activity at a time. */
  final TestActivityEnvironment otherEnv;
  final StepActivities otherSteps;
  /** The ledger in the second environment, so events can be recorded while a part runs. */
  final LedgerActivities otherLedger;
  final LedgerActivities ledger;
  final List<StepHeartbeat> heartbeats = new CopyOnWriteArrayList<>();
  private final List<TestActivityEnvironment> extraEnvironments = new ArrayList<>();
  private final ActivityOptions options;

  BackfillHarness(String prefix) {
    target = TestDatabase.newDatabase(prefix);
    targets = Targets.of(List.of(target));
    env = ActivityEnvironments.create();
    env.registerActivitiesImplementations(
        new StepActivitiesImpl(new SqlRunner(targets, Duration.ofMillis(20), Duration.ofMillis(200))),
        new LedgerActivitiesImpl(targets));
    env.setActivityHeartbeatListener(StepHeartbeat.class, heartbeats::add);
    options = ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(5))
        .setHeartbeatTimeout(Duration.ofSeconds(3))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
    steps = env.newActivityStub(StepActivities.class, options);
    ledger = env.newActivityStub(LedgerActivities.class, options);
    otherEnv = ActivityEnvironments.create();
    otherEnv.registerActivitiesImplementations(
        new StepActivitiesImpl(new SqlRunner(targets, Duration.ofMillis(20), Duration.ofMillis(200))),
        new LedgerActivitiesImpl(targets));
    otherSteps = otherEnv.newActivityStub(StepActivities.class, options);
    otherLedger = otherEnv.newActivityStub(LedgerActivities.class, options);
    ledger.beginRun(new BeginRun(prefix, RUN, "plan", "abc123", "wf-1", "alice", false));
  }

  /** A backfill step with the given fields (YAML, one per line, indented by the caller's choice), validated. */
  static PlanStep step(String id, String fields) {
    String yaml = "name: p\ntarget: t\nphases:\n  - name: copy\n    steps:\n      - id: " + id + "\n        kind: backfill\n"
        + fields.lines().map(line -> "        " + line).reduce("", (a, b) -> a + b + "\n");
    try {
      Plan plan = PlanParser.parse(yaml, "test.yaml", Set.of("t"), StepKinds.ALL);
      return plan.step(id).orElseThrow();
    } catch (cutover.plan.InvalidPlanException e) {
      throw new IllegalArgumentException(e.getMessage() + "\n" + yaml, e);
    }
  }

  /** Step activities in an environment of their own (heartbeats go to {@link #heartbeats}). */
  record Environment(TestActivityEnvironment env, StepActivities steps) {}

  /** A further environment, e.g. for an attempt after one that was cancelled: a cancel request stays with its environment. */
  Environment freshEnvironment() {
    TestActivityEnvironment fresh = ActivityEnvironments.create();
    fresh.registerActivitiesImplementations(
        new StepActivitiesImpl(new SqlRunner(targets, Duration.ofMillis(20), Duration.ofMillis(200))),
        new LedgerActivitiesImpl(targets));
    fresh.setActivityHeartbeatListener(StepHeartbeat.class, heartbeats::add);
    extraEnvironments.add(fresh);
    return new Environment(fresh, fresh.newActivityStub(StepActivities.class, options));
  }

  StepCall call(PlanStep step) {
    return new StepCall(target.name(), RUN, "copy", step);
  }

  /** Prepares, runs every part one after the other, and records the step. */
  StepResult apply(PlanStep step) {
    StepCall call = call(step);
    runParts(steps, call, StepAction.APPLY);
    return steps.apply(call);
  }

  /** Prepares and runs every part in parallel, then records the step. */
  StepResult applyInParallel(PlanStep step) throws Exception {
    StepCall call = call(step);
    StepParts parts = steps.prepareParts(new PartsCall(call, StepAction.APPLY));
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    for (int i = 0; i < parts.parts(); i++) {
      int part = i;
      Thread thread = new Thread(() -> {
        try {
          steps.runPart(new PartCall(call, StepAction.APPLY, part, parts.parts()));
        } catch (Throwable e) {
          errors.add(e);
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    if (!errors.isEmpty()) {
      throw new AssertionError("a part failed", errors.get(0));
    }
    return steps.apply(call);
  }

  StepResult compensate(PlanStep step) {
    return compensate(step, steps);
  }

  StepResult compensate(PlanStep step, StepActivities with) {
    StepCall call = call(step);
    runParts(with, call, StepAction.COMPENSATE);
    return with.compensate(call);
  }

  /** Prepares the step's parts for the action and runs them one after the other. */
  private static void runParts(StepActivities with, StepCall call, StepAction action) {
    StepParts parts = with.prepareParts(new PartsCall(call, action));
    for (int i = 0; i < parts.parts(); i++) {
      with.runPart(new PartCall(call, action, i, parts.parts()));
    }
  }

  void execute(String sql) throws SQLException {
    try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  long count(String sql) throws SQLException {
    try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  String text(String sql) throws SQLException {
    try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Row count and an md5 over every row's text, in a stable order: equal only for equal multisets of rows. */
  String checksum(String table) throws SQLException {
    return text("SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, '|' ORDER BY r::text)), '-') FROM "
        + table + " r");
  }

  @Override
  public void close() {
    extraEnvironments.forEach(TestActivityEnvironment::close);
    otherEnv.close();
    env.close();
    targets.close();
  }
}
