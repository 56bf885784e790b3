package cutover.workflows;

import cutover.activities.AbandonRun;
import cutover.activities.AbandonedRun;
import cutover.activities.LedgerRunState;
import cutover.activities.BeginRun;
import cutover.activities.DecisionRecord;
import cutover.activities.EndRun;
import cutover.activities.GateRef;
import cutover.activities.LedgerActivities;
import cutover.activities.ListRuns;
import cutover.activities.PartCall;
import cutover.activities.PartResult;
import cutover.activities.PartsCall;
import cutover.activities.StepParts;
import cutover.activities.LoadedPlan;
import cutover.activities.PlanActivities;
import cutover.activities.PlanPushRequest;
import cutover.activities.PlanPushResult;
import cutover.activities.PlanRef;
import cutover.activities.RunEvent;
import cutover.activities.RunRef;
import cutover.activities.RunStart;
import cutover.activities.RunSummary;
import cutover.activities.StepAction;
import cutover.activities.StepActivities;
import cutover.activities.StepCall;
import cutover.activities.StepResult;
import cutover.activities.TuneRecord;
import cutover.activities.VerifyCall;
import cutover.activities.steps.approval.ApprovalActivities;
import cutover.activities.steps.approval.ApprovalActivitiesImpl;
import cutover.activities.steps.approval.ApprovalPolicy;
import cutover.activities.steps.approval.ApprovalSigners;
import cutover.activities.steps.approval.SignatureCheck;
import cutover.activities.steps.approval.SignedApproval;
import cutover.plan.Plan;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** In-memory activities for workflow-logic tests: they record calls and fail on request. */
final class FakeActivities implements StepActivities, LedgerActivities, PlanActivities, ApprovalActivities {
  final Plan plan;
  /** The real signature checks, against the allowed signers a test sets (none by default). */
  volatile ApprovalActivities approvals = new ApprovalActivitiesImpl(ApprovalSigners.NONE);
  final List<String> applied = new CopyOnWriteArrayList<>();
  final List<String> compensated = new CopyOnWriteArrayList<>();
  final List<DecisionRecord> decisions = new CopyOnWriteArrayList<>();
  final List<RunEvent> events = new CopyOnWriteArrayList<>();
  final Map<String, String> activeRunByTarget = new ConcurrentHashMap<>();
  final Map<String, String> endedRuns = new ConcurrentHashMap<>();
  /** Parts run, as "step/action/part". */
  final List<String> partsRun = new CopyOnWriteArrayList<>();
  /** When set, every part waits for it before finishing. */
  volatile java.util.concurrent.CountDownLatch partGate;
  /** While set, each repeated verify waits for it before its checks (so none completes meanwhile); counted in verifyHeld. */
  volatile java.util.concurrent.CountDownLatch verifyGate;
  final AtomicInteger verifyHeld = new AtomicInteger();
  /** step id → how many more applies of it fail. */
  final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

  FakeActivities(Plan plan) {
    this.plan = plan;
  }

  /** Serves these activities on the worker's queue and on target demo's queue, as a worker for demo does. */
  FakeActivities serveOn(TestWorkflowEnvironment env, Worker worker) {
    return serveOn(worker, env::newWorker);
  }

  FakeActivities serveOn(Worker worker, java.util.function.Function<String, Worker> newWorker) {
    worker.registerActivitiesImplementations(this);
    newWorker.apply(TargetTaskQueue.of("demo")).registerActivitiesImplementations(this);
    return this;
  }

  void failNext(String stepId, int times) {
    failures.put(stepId, new AtomicInteger(times));
  }

  /** step id → how many more applies of it fail as a verification that did not hold (findings, not an error). */
  final Map<String, AtomicInteger> findings = new ConcurrentHashMap<>();

  @Override
  public StepResult apply(StepCall call) {
    String id = call.step().id();
    AtomicInteger left = failures.get(id);
    if (left != null && left.getAndDecrement() > 0) {
      throw ApplicationFailure.newNonRetryableFailure("step '" + id + "' failed: injected", "StepFailed");
    }
    AtomicInteger found = findings.get(id);
    if (found != null && found.getAndDecrement() > 0) {
      throw ApplicationFailure.newNonRetryableFailure("step '" + id + "' failed: check failed: 2 rows found: (id=2); "
          + "(id=3)", StepActivities.VERIFICATION_FAILED);
    }
    boolean again = applied.contains(id);
    if (!again) {
      applied.add(id);
    }
    return new StepResult(id, StepAction.APPLY, "applied " + id, 1L, 1, 5, again);
  }

  @Override
  public StepResult compensate(StepCall call) {
    String id = call.step().id();
    compensated.add(id);
    String outcome = applied.contains(id) ? "compensated " + id : "not applied: nothing to undo";
    return new StepResult(id, StepAction.COMPENSATE, outcome, 0L, 1, 5, false);
  }

  /** Soak repetitions, as "step#iteration". */
  final List<String> verified = new CopyOnWriteArrayList<>();

  @Override
  public StepResult verify(VerifyCall call) {
    String id = call.step().id();
    verified.add(id + "#" + call.iteration());
    AtomicInteger left = failures.get(id);
    if (left != null && left.getAndDecrement() > 0) {
      throw ApplicationFailure.newNonRetryableFailure("step '" + id + "' failed: injected", "VerificationFailed");
    }
    return new StepResult(id, StepAction.VERIFY, "holds", null, 1, 5, false);
  }

  /** Runs the checks at once: the soak's workflow waits out their interval in skipped time. */
  @Override
  public cutover.activities.RepeatedVerifyResult verifyRepeatedly(cutover.activities.RepeatedVerifyCall call) {
    java.util.concurrent.CountDownLatch gate = verifyGate;
    if (gate != null) {
      verifyHeld.incrementAndGet();
      try {
        gate.await(2, java.util.concurrent.TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (int i = 0; i < call.count(); i++) {
      VerifyCall first = call.first();
      try {
        verify(new VerifyCall(first.target(), first.runId(), first.phase(), first.step(), first.iteration() + i));
      } catch (ApplicationFailure failure) {
        return new cutover.activities.RepeatedVerifyResult(i, failure.getOriginalMessage(),
            StepActivities.VERIFICATION_FAILED.equals(failure.getType()));
      }
    }
    return new cutover.activities.RepeatedVerifyResult(call.count(), null);
  }

  @Override
  public StepParts prepareParts(PartsCall call) {
    return new StepParts(2, false);
  }

  /** How many more attempts of a part fail as a lost worker's would (retryable). */
  final AtomicInteger lostPartAttempts = new AtomicInteger();
  /** When each attempt of a part was scheduled, by Temporal's clock, in epoch ms. */
  final List<Long> partAttemptsScheduledAt = new CopyOnWriteArrayList<>();

  @Override
  public PartResult runPart(PartCall call) {
    partAttemptsScheduledAt.add(io.temporal.activity.Activity.getExecutionContext().getInfo()
        .getCurrentAttemptScheduledTimestamp());
    if (lostPartAttempts.getAndDecrement() > 0) {
      throw ApplicationFailure.newFailure("the worker running this part was lost", "WorkerLost");
    }
    java.util.concurrent.CountDownLatch gate = partGate;
    if (gate != null && call.action() == StepAction.APPLY) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    partsRun.add(call.call().step().id() + "/" + call.action().word() + "/" + call.part());
    return new PartResult(call.call().step().id(), call.action(), call.part(), 10, 1, 10, 5, 1, 2, 3, "part done");
  }

  @Override
  public RunStart beginRun(BeginRun request) {
    String active = activeRunByTarget.putIfAbsent(request.target(), request.runId());
    if (active != null && !active.equals(request.runId())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "target '" + request.target() + "' already has an active cutover: run " + active, "TargetBusy");
    }
    return new RunStart(request.runId(), request.startedBy(), false);
  }

  @Override
  public void endRun(EndRun request) {
    activeRunByTarget.remove(request.target(), request.runId());
    endedRuns.put(request.runId(), request.state().word());
  }

  @Override
  public AbandonedRun abandonRun(AbandonRun request) {
    activeRunByTarget.remove(request.target(), request.runId());
    endedRuns.put(request.runId(), LedgerRunState.ABANDONED.word());
    List<String> kept = applied.stream().filter(id -> !compensated.contains(id)).toList();
    return new AbandonedRun(request.runId(), request.target(), plan.name(), request.runId(), LedgerRunState.ACTIVE, kept,
        List.of());
  }

  @Override
  public void recordDecision(DecisionRecord decision) {
    decisions.add(decision);
  }

  @Override
  public List<DecisionRecord> gateDecisions(GateRef gate) {
    return decisions.stream()
        .filter(d -> d.runId().equals(gate.runId()) && d.stepId().equals(gate.stepId()) && d.accepted())
        .toList();
  }

  @Override
  public void recordEvent(RunEvent event) {
    if (refusedEventWrites.getAndDecrement() > 0) {
      throw ApplicationFailure.newNonRetryableFailure("the ledger refused event " + event.eventKey(), "BadRequest");
    }
    events.add(event);
  }

  /** How many more event writes the ledger refuses (non-retryable, as a bad request would be). */
  final AtomicInteger refusedEventWrites = new AtomicInteger();

  /** Tunes recorded, in order; their events are in {@link #events} too. */
  final List<TuneRecord> tunes = new CopyOnWriteArrayList<>();

  @Override
  public void recordTune(TuneRecord tune) {
    tunes.add(tune);
    events.add(tune.event());
  }

  /** What runStartedAt answers: the T of a wait's until: T+... */
  volatile long runStartedAtMillis;

  @Override
  public long runStartedAt(RunRef run) {
    return runStartedAtMillis;
  }

  @Override
  public List<RunSummary> listRuns(ListRuns request) {
    return List.of();
  }

  @Override
  public PlanPushResult push(PlanPushRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public PlanPushResult readTarget(PlanPushRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public LoadedPlan load(PlanRef ref) {
    if (!ref.target().equals(plan.target())) {
      throw ApplicationFailure.newNonRetryableFailure("target '" + ref.target() + "' is not configured on the worker; "
          + "it has: " + plan.target(), "UnknownTarget");
    }
    if (!ref.name().equals(plan.name())) {
      throw ApplicationFailure.newNonRetryableFailure("no plan named '" + ref.name() + "' is pushed", "PlanNotFound");
    }
    return new LoadedPlan(plan, "0123abcd");
  }

  @Override
  public ApprovalPolicy policy() {
    return approvals.policy();
  }

  @Override
  public SignatureCheck verify(SignedApproval approval) {
    return approvals.verify(approval);
  }
}
