package cutover.workflows;

import static cutover.testing.CliRun.cutover;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.steps.StepState;
import cutover.plan.Plan;
import cutover.starter.CutoverCli;
import cutover.testing.CliRun;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A named instant T given at start: {@code until: T-7d} and {@code until: T+90d} count from it. */
class InstantTest {
  @RegisterExtension
  static final TestWorkflowExtension temporal = CutoverWorkflowTest.extension();

  static final Plan DATED = LongSoakTest.plan("""
      name: dated
      target: demo
      phases:
        - name: window
          steps:
            - id: announce
              kind: sql
              sql: SELECT 1
              irreversible: true
            - id: week-before
              kind: wait
              until: T-7d
            - id: freeze
              kind: sql
              sql: SELECT 2
              irreversible: true
            - id: ninety-days-after
              kind: wait
              until: T+90d
            - id: drop-legacy
              kind: sql
              sql: SELECT 3
              irreversible: true
      """);

  private final CutoverWorkflowTest cutovers = new CutoverWorkflowTest();

  private String taskQueue;

  CutoverWorkflow start(WorkflowClient client, String id, String instant) {
    CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(taskQueue).build());
    WorkflowClient.start(cutover::run, new CutoverRequest("dated", "demo", null, null, "carol", false, instant));
    return cutover;
  }

  @Test
  void stepsBeforeTWaitForTheirInstantAndStatusShowsT(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    FakeActivities fake = cutovers.start(env, worker, DATED);
    taskQueue = worker.getTaskQueue();
    Instant t = Instant.ofEpochMilli(env.currentTimeMillis()).plus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    CutoverWorkflow cutover = start(client, "dated", t.toString());

    PhaseStatus waiting = CutoverWorkflowTest.awaitPhase(client, "dated.window", s -> s.state() == RunState.WAITING);
    Instant weekBefore = t.minus(Duration.ofDays(7));
    assertTrue(waiting.steps().get(1).outcome().startsWith("waiting until " + weekBefore + " (T-7d)"),
        waiting.steps().get(1).outcome());
    assertEquals(List.of("announce"), fake.applied, "freeze waits for T-7d");
    CutoverStatus status = cutover.status();
    assertEquals(t.toString(), status.instant());
    assertEquals(List.of("T-7d = " + weekBefore + " (week-before)", "T+90d = " + t.plus(Duration.ofDays(90))
        + " (ninety-days-after)"), status.instantMoments());

    CutoverResult result = CutoverWorkflowTest.result(cutover);
    assertEquals(RunState.COMPLETED, result.state());
    assertEquals(List.of("announce", "freeze", "drop-legacy"), fake.applied);
    // the test server's clock may run on past the end: the bound below is the wait's own outcome
    assertTrue(env.currentTimeMillis() >= t.plus(Duration.ofDays(90)).toEpochMilli());
    assertTrue(result.phases().get(0).steps().get(3).outcome().startsWith("waited until " + t.plus(Duration.ofDays(90))),
        result.phases().get(0).steps().get(3).outcome());
  }

  @Test
  void aTInThePastPassesItsEarlierWaitAtOnceAndSaysSo(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    FakeActivities fake = cutovers.start(env, worker, DATED);
    taskQueue = worker.getTaskQueue();
    Instant t = Instant.ofEpochMilli(env.currentTimeMillis()).minus(Duration.ofDays(10)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    CutoverWorkflow cutover = start(client, "late", t.toString());

    PhaseStatus waiting = CutoverWorkflowTest.awaitPhase(client, "late.window",
        s -> s.steps().get(3).state() == StepState.WAITING);
    StepView weekBefore = waiting.steps().get(1);
    assertEquals(StepState.COMPLETED, weekBefore.state());
    assertEquals("no wait: " + t.minus(Duration.ofDays(7)) + " (T-7d) had passed when the step was reached",
        weekBefore.outcome());
    assertEquals(List.of("announce", "freeze"), fake.applied);
    assertEquals(RunState.COMPLETED, CutoverWorkflowTest.result(cutover).state());
    assertTrue(env.currentTimeMillis() >= t.plus(Duration.ofDays(90)).toEpochMilli());
  }

  @Test
  void aPlanCountingBackFromTWithoutOneIsRefusedBeforeAnythingStarts(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    FakeActivities fake = cutovers.start(env, worker, DATED);
    taskQueue = worker.getTaskQueue();
    CutoverWorkflow cutover = start(client, "no-t", null);
    WorkflowFailedException refused = assertThrows(WorkflowFailedException.class,
        () -> WorkflowStub.fromTyped(cutover).getResult(CutoverResult.class));
    String message = Failures.describe(refused);
    assertTrue(message.startsWith("plan 'dated' counts back from an instant T (step 'week-before' until: T-7d) but none "
        + "was given: start it with --instant"), message);
    assertTrue(fake.activeRunByTarget.isEmpty() && fake.applied.isEmpty(), "nothing started");

    // a phase started alone, as from the Temporal UI, is refused the same way
    CutoverPhaseWorkflow phase = client.newWorkflowStub(CutoverPhaseWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId("phase-no-t").setTaskQueue(taskQueue).build());
    WorkflowClient.start(phase::run, new PhaseRequest("dated", "demo", null, "window", null, "carol", null));
    WorkflowFailedException phaseRefused = assertThrows(WorkflowFailedException.class,
        () -> WorkflowStub.fromTyped(phase).getResult(PhaseResult.class));
    assertTrue(Failures.describe(phaseRefused).startsWith("plan 'dated' counts back from an instant T"),
        Failures.describe(phaseRefused));
    assertTrue(fake.activeRunByTarget.isEmpty() && fake.applied.isEmpty(), "nothing started");

    CutoverWorkflow unreadable = start(client, "bad-t", "next tuesday");
    WorkflowFailedException bad = assertThrows(WorkflowFailedException.class,
        () -> WorkflowStub.fromTyped(unreadable).getResult(CutoverResult.class));
    assertTrue(Failures.describe(bad).contains("the instant T 'next tuesday' is not an instant with its offset"),
        Failures.describe(bad));
  }

  /** The README's plan of months is a plan, and counts back from T. */
  @Test
  void theReadmePlanOfMonthsParses() throws Exception {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
    int start = readme.indexOf("name: orders-split");
    String yaml = readme.substring(start, readme.indexOf("```", start));
    Plan plan = LongSoakTest.plan(yaml);
    assertEquals(List.of("announce-freeze"),
        cutover.activities.steps.wait.PlanInstant.needingInstant(plan).stream().map(s -> s.id()).toList());
  }

  @Test
  void theCliRefusesAStartWithoutTWithExitTwoAndShowsT() throws Exception {
    try (CliTestServer server = CliTestServer.start()) {
      FakeActivities fake = new FakeActivities(DATED);
      WorkerFactory factory = server.serve(fake);
      try {
        CliRun none = cutover("start", "dated", "--target", "demo", "--id", "cli-no-t", "--as", "carol",
            "--address", server.address);
        assertEquals(CutoverCli.BAD_INPUT, none.exitCode(), none.out() + none.err());
        assertTrue(none.err().contains("counts back from an instant T (step 'week-before' until: T-7d) but none was "
            + "given") && none.err().contains("nothing was started"), none.err());
        assertTrue(fake.activeRunByTarget.isEmpty(), "no run began");

        CliRun typo = cutover("start", "dated", "--target", "demo", "--instant", "2027-01-15", "--address", server.address);
        assertEquals(CutoverCli.BAD_INPUT, typo.exitCode(), typo.out() + typo.err());
        assertTrue(typo.err().contains("--instant: the instant T '2027-01-15' is not an instant with its offset"),
            typo.err());

        CliRun given = cutover("start", "dated", "--target", "demo", "--id", "cli-t", "--as", "carol",
            "--instant", "2027-01-15T10:00:00+01:00", "--address", server.address);
        assertEquals(CutoverCli.OK, given.exitCode(), given.out() + given.err());
        CutoverWorkflowTest.awaitPhase(server.client(), "cli-t.window", s -> s.state() == RunState.WAITING);
        CliRun status = cutover("status", "cli-t", "--address", server.address);
        assertTrue(status.out().contains("T = 2027-01-15T09:00:00Z, T-7d = 2027-01-08T09:00:00Z (week-before), "
            + "T+90d = 2027-04-15T09:00:00Z (ninety-days-after)"), status.out());
      } finally {
        factory.shutdownNow();
      }
    }
  }
}
