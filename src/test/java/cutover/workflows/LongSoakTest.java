package cutover.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.steps.StepKinds;
import cutover.activities.steps.StepState;
import cutover.activities.steps.soak.SoakProgressSignal;
import cutover.activities.steps.soak.SoakWorkflow;
import cutover.plan.Plan;
import cutover.plan.PlanParser;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Months, not hours: a soak checked every minute for 30 days (43,200 checks and the first) and a
 * wait of 180 days, in skipped time, keep every workflow's history bounded; the soak's child
 * continues as new, and status, pause, skip and rollback reach it across that.
 */
class LongSoakTest {
  @RegisterExtension
  static final TestWorkflowExtension temporal = CutoverWorkflowTest.extension();

  /** The most events any one history may reach here: a fifth of Temporal's 51,200. */
  static final int BOUND = 10_000;

  static final Plan MONTHS = plan("""
      name: months
      target: demo
      phases:
        - name: aftercare
          steps:
            - id: announce
              kind: sql
              sql: SELECT 1
              compensate: SELECT 2
            - id: month-clean
              kind: soak
              every: 1m
              for: 30d
              check:
                query: SELECT id FROM orders WHERE customer_id IS NULL
            - id: half-year
              kind: wait
              for: 180d
            - id: delete-stragglers
              kind: sql
              sql: DELETE FROM legacy_passwords
              irreversible: true
      """);

  static Plan plan(String yaml) {
    try {
      return PlanParser.parse(yaml, "months.yaml", null, StepKinds.ALL);
    } catch (cutover.plan.InvalidPlanException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  private final CutoverWorkflowTest cutovers = new CutoverWorkflowTest();

  @Test
  void aMonthOfChecksEveryMinuteAndAHalfYearWaitKeepEveryHistoryBounded(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    FakeActivities fake = cutovers.start(env, worker, MONTHS);
    long began = System.nanoTime();
    long t = env.currentTimeMillis();
    CutoverWorkflow cutover = cutovers.startCutover(client, "months", "months");

    CutoverResult result = CutoverWorkflowTest.result(cutover);
    long millis = (System.nanoTime() - began) / 1_000_000;
    assertEquals(RunState.COMPLETED, result.state());
    assertEquals(43_201, fake.verified.size(), "a check at the start and after each of 43,200 minutes");
    assertTrue(env.currentTimeMillis() - t >= Duration.ofDays(210).toMillis());
    assertEquals("held for 30d: 43201 checks clean", result.phases().get(0).steps().get(1).outcome());

    HistorySizes sizes = HistorySizes.of(client, "months", "months.aftercare", "months.aftercare.month-clean");
    System.out.println("210 days (43,201 checks, a 180-day wait) in " + millis + " ms of test time; " + sizes);
    assertTrue(sizes.most() < BOUND, sizes.toString());
    assertTrue(sizes.runs("months.aftercare.month-clean") >= 2, "the soak continued as new: " + sizes);
  }

  /** The phase's status once the soak's child has continued as new (a second run exists). */
  static PhaseStatus afterContinueAsNew(TestWorkflowEnvironment env, WorkflowClient client, String run) {
    String child = run + ".aftercare.month-clean";
    // 200 activities of an hour's checks each, then the child continues as new: 8.3 days in
    env.sleep(Duration.ofDays(9));
    assertTrue(HistorySizes.of(client, child).runs(child) >= 2, "the soak continued as new");
    return client.newWorkflowStub(CutoverPhaseWorkflow.class, run + ".aftercare").status();
  }

  static int checks(WorkflowClient client, String run) {
    return client.newWorkflowStub(SoakWorkflow.class, run + ".aftercare.month-clean")
        .status().checksDone();
  }

  @Test
  void statusPauseAndSkipReachTheSoakAfterItContinuedAsNew(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    FakeActivities fake = cutovers.start(env, worker, MONTHS);
    CutoverWorkflow cutover = cutovers.startCutover(client, "paused", "months");

    PhaseStatus soaking = afterContinueAsNew(env, client, "paused");
    String shown = soaking.steps().get(1).outcome();
    assertTrue(shown.startsWith("soaking: ") && shown.contains("live: workflow paused.aftercare.month-clean"), shown);
    int reported = Integer.parseInt(shown.replaceAll("^soaking: (\\d+) checks clean.*$", "$1"));
    assertTrue(reported > 8 * 1440, "status shows the checks of the run before the continue-as-new: " + shown);

    cutover.pause(new OperatorAction("carol", "replica maintenance"));
    CutoverWorkflowTest.awaitPhase(client, "paused.aftercare",
        s -> s.steps().get(1).outcome().startsWith("soak paused"));
    int atPause = checks(client, "paused");
    env.sleep(Duration.ofDays(3));
    assertEquals(atPause, checks(client, "paused"), "no checks while paused");
    assertEquals(atPause, fake.verified.size());
    cutover.resume(new OperatorAction("carol", null));
    env.sleep(Duration.ofHours(2));
    assertTrue(checks(client, "paused") >= atPause + 60, "checks go on after resume");

    cutover.skip(new GateDecision("month-clean", "carol", "monitoring covers the rest", "s1"));
    PhaseStatus skipped = CutoverWorkflowTest.awaitPhase(client, "paused.aftercare",
        s -> s.steps().get(1).state() == StepState.COMPLETED);
    assertTrue(skipped.steps().get(1).outcome().startsWith("skipped by carol: monitoring covers the rest after "),
        skipped.steps().get(1).outcome());
    assertEquals(StepState.WAITING, skipped.steps().get(2).state(), "the 180-day wait holds");
    cutover.rollback(new OperatorAction("carol", "abandon the aftercare"));
    CutoverResult result = CutoverWorkflowTest.result(cutover);
    assertEquals(RunState.ROLLED_BACK, result.state());
    assertEquals(List.of("announce"), fake.compensated);
  }

  @Test
  void aRollbackReachesTheSoakAfterItContinuedAsNew(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    FakeActivities fake = cutovers.start(env, worker, MONTHS);
    CutoverWorkflow cutover = cutovers.startCutover(client, "rolled", "months");
    afterContinueAsNew(env, client, "rolled");
    // anyone may send these signals from the Temporal UI, with a payload of any shape. Each pause
    // cancels the running checks; the Java test server loses an activity that completes while the
    // workflow task cancelling it is in flight (ACTIVITY_UNKNOWN, the task retried forever), so the
    // checks are held running meanwhile, and each signal waits for the soak to have no task in flight.
    String soak = "rolled.aftercare.month-clean";
    fake.verifyGate = new java.util.concurrent.CountDownLatch(1);
    try {
      // short steps: once a check is held, time passes only as fast as the wall clock
      for (int i = 0; i < 600 && fake.verifyHeld.get() == 0; i++) {
        env.sleep(Duration.ofSeconds(5));
      }
      assertTrue(fake.verifyHeld.get() > 0, "the soak's checks are held");
      for (Object junk : new Object[] {"junk", 5, List.of(), java.util.Map.of("step", "month-clean")}) {
        client.newUntypedWorkflowStub("rolled.aftercare").signal(SoakProgressSignal.NAME, junk);
        for (String signal : List.of("pause", "resume")) {
          awaitNoTaskInFlight(client, soak);
          client.newUntypedWorkflowStub(soak).signal(signal, junk);
        }
      }
      awaitNoTaskInFlight(client, soak);
      cutover.rollback(new OperatorAction("carol", "the check is wrong"));
    } finally {
      fake.verifyGate.countDown();
    }
    CutoverResult result = CutoverWorkflowTest.result(cutover);
    assertEquals(RunState.ROLLED_BACK, result.state());
    assertEquals(List.of("announce"), fake.compensated);
    String outcome = result.phases().get(0).steps().get(1).outcome();
    assertTrue(outcome.startsWith("rollback requested while soak 'month-clean' held, after "), outcome);
    assertEquals(StepState.STOPPED, result.phases().get(0).steps().get(1).state());
    Replays.replay(client.fetchHistory("rolled.aftercare"));
    Replays.replay(client.fetchHistory("rolled.aftercare.month-clean"));
  }

  /** Until the workflow's latest run has no workflow task scheduled or running (a signal sent then interrupts none). */
  static void awaitNoTaskInFlight(WorkflowClient client, String workflowId) throws InterruptedException {
    for (int i = 0; i < 500; i++) {
      List<HistoryEvent> events = client.fetchHistory(workflowId).getEvents();
      EventType last = events.get(events.size() - 1).getEventType();
      if (last != EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED && last != EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError(workflowId + " kept a workflow task in flight");
  }

  /** The events of each workflow's runs, every run of a continued-as-new chain. */
  record HistorySizes(List<Chain> chains) {
    record Chain(String workflowId, List<Integer> eventsPerRun) {}

    static HistorySizes of(WorkflowClient client, String... workflowIds) {
      List<Chain> chains = new java.util.ArrayList<>();
      for (String id : workflowIds) {
        List<Integer> runs = new java.util.ArrayList<>();
        WorkflowExecutionHistory history = client.fetchHistory(id);
        while (true) {
          runs.add(0, history.getEvents().size());
          HistoryEvent first = history.getEvents().get(0);
          String previous = first.getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
          if (previous.isEmpty()) {
            break;
          }
          history = client.fetchHistory(id, previous);
        }
        chains.add(new Chain(id, runs));
      }
      return new HistorySizes(chains);
    }

    int most() {
      return chains.stream().flatMap(c -> c.eventsPerRun().stream()).mapToInt(Integer::intValue).max().orElse(0);
    }

    int runs(String workflowId) {
      return chains.stream().filter(c -> c.workflowId().equals(workflowId)).findFirst().orElseThrow().eventsPerRun().size();
    }

    @Override
    public String toString() {
      StringBuilder text = new StringBuilder("most events in one history: " + most() + " (");
      for (Chain chain : chains) {
        text.append(chain.workflowId()).append(": ").append(chain.eventsPerRun().size()).append(" run(s), at most ")
            .append(chain.eventsPerRun().stream().mapToInt(Integer::intValue).max().orElse(0)).append(" events; ");
      }
      return text.append(")").toString();
    }
  }
}
