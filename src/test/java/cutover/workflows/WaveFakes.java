package cutover.workflows;

import cutover.activities.AbandonRun;
import cutover.activities.AbandonedRun;
import cutover.activities.BeginRun;
import cutover.activities.DecisionRecord;
import cutover.activities.EndRun;
import cutover.activities.GateRef;
import cutover.activities.LedgerActivities;
import cutover.activities.ListRuns;
import cutover.activities.LoadedPlan;
import cutover.activities.PartCall;
import cutover.activities.PartResult;
import cutover.activities.PartsCall;
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
import cutover.activities.StepParts;
import cutover.activities.StepResult;
import cutover.activities.TuneRecord;
import cutover.activities.VerifyCall;
import cutover.activities.steps.approval.ApprovalActivities;
import cutover.activities.steps.approval.ApprovalPolicy;
import cutover.activities.steps.approval.SignatureCheck;
import cutover.activities.steps.approval.SignedApproval;
import cutover.activities.waves.WaveActivities;
import cutover.activities.waves.WaveKeys;
import cutover.activities.waves.WaveKeysCall;
import cutover.plan.Plan;
import io.temporal.failure.ApplicationFailure;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fake activities for wave tests: steps that record which key ran them (and how many ran at
 * once), fail for chosen keys, or hold one key until released; the ledger, plans and approvals
 * of {@link FakeActivities}.
 */
final class WaveFakes implements StepActivities, LedgerActivities, PlanActivities, ApprovalActivities, WaveActivities {
  final FakeActivities ledger;
  final List<String> keys;
  /** Keyed step ids applied, each once (a second apply of one is in {@link #appliedAgain}). */
  final List<String> applied = new CopyOnWriteArrayList<>();
  final List<String> appliedAgain = new CopyOnWriteArrayList<>();
  final List<String> compensated = new CopyOnWriteArrayList<>();
  /** The key of every step call, applied or compensated. */
  final Set<String> keysTouched = ConcurrentHashMap.newKeySet();
  final Set<String> failingKeys = ConcurrentHashMap.newKeySet();
  /** Steps of phases without waves that fail. */
  final Set<String> failingSteps = ConcurrentHashMap.newKeySet();
  final AtomicInteger keyQueries = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger mostAtOnce = new AtomicInteger();
  /** When set, the first step of {@link #heldKey} waits for it; {@link #holding} counts down when it is reached. */
  volatile CountDownLatch release;
  volatile String heldKey;
  final CountDownLatch holding = new CountDownLatch(1);
  /** How long each apply takes, so that keys overlap. */
  volatile long applyMillis = 5;

  WaveFakes(Plan plan, List<String> keys) {
    this.ledger = new FakeActivities(plan);
    this.keys = List.copyOf(keys);
  }

  void serveOn(Worker workflows, Worker target) {
    workflows.registerActivitiesImplementations(this);
    target.registerActivitiesImplementations(this);
  }

  @Override
  public WaveKeys keys(WaveKeysCall call) {
    keyQueries.incrementAndGet();
    return new WaveKeys(keys);
  }

  @Override
  public StepResult apply(StepCall call) {
    String id = call.step().id();
    if (call.waveKey() == null) {
      if (failingSteps.contains(id)) {
        throw ApplicationFailure.newNonRetryableFailure("step '" + id + "' failed: injected", "StepFailed");
      }
      applied.add(id);
      return new StepResult(id, StepAction.APPLY, "applied " + id, 1L, 1, 5, false);
    }
    keysTouched.add(call.waveKey());
    int now = inFlight.incrementAndGet();
    mostAtOnce.accumulateAndGet(now, Math::max);
    try {
      if (call.waveKey().equals(heldKey) && release != null) {
        holding.countDown();
        release.await();
      }
      Thread.sleep(applyMillis);
      if (failingKeys.contains(call.waveKey())) {
        throw ApplicationFailure.newNonRetryableFailure("step '" + id + "' failed: tenant " + call.waveKey()
            + " has rows the copy refuses (injected)", "StepFailed");
      }
      boolean again = applied.contains(id);
      (again ? appliedAgain : applied).add(id);
      return new StepResult(id, StepAction.APPLY, "applied " + id, 1L, 1, 5, again);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public StepResult compensate(StepCall call) {
    String id = call.step().id();
    if (call.waveKey() != null) {
      keysTouched.add(call.waveKey());
    }
    compensated.add(id);
    String outcome = applied.contains(id) ? "compensated " + id : "not applied: nothing to undo";
    return new StepResult(id, StepAction.COMPENSATE, outcome, 0L, 1, 5, false);
  }

  @Override
  public StepResult verify(VerifyCall call) {
    throw new UnsupportedOperationException();
  }

  @Override
  public cutover.activities.RepeatedVerifyResult verifyRepeatedly(cutover.activities.RepeatedVerifyCall call) {
    throw new UnsupportedOperationException();
  }

  @Override
  public StepParts prepareParts(PartsCall call) {
    throw new UnsupportedOperationException();
  }

  @Override
  public PartResult runPart(PartCall call) {
    throw new UnsupportedOperationException();
  }

  // --- the ledger, plans and approvals of FakeActivities -----------------------------------

  @Override
  public RunStart beginRun(BeginRun request) {
    return ledger.beginRun(request);
  }

  @Override
  public void endRun(EndRun request) {
    ledger.endRun(request);
  }

  @Override
  public AbandonedRun abandonRun(AbandonRun request) {
    return ledger.abandonRun(request);
  }

  @Override
  public void recordDecision(DecisionRecord decision) {
    ledger.recordDecision(decision);
  }

  @Override
  public List<DecisionRecord> gateDecisions(GateRef gate) {
    return ledger.gateDecisions(gate);
  }

  @Override
  public void recordEvent(RunEvent event) {
    ledger.recordEvent(event);
  }

  @Override
  public void recordTune(TuneRecord tune) {
    ledger.recordTune(tune);
  }

  @Override
  public long runStartedAt(RunRef run) {
    return ledger.runStartedAt(run);
  }

  @Override
  public List<RunSummary> listRuns(ListRuns request) {
    return ledger.listRuns(request);
  }

  @Override
  public PlanPushResult push(PlanPushRequest request) {
    return ledger.push(request);
  }

  @Override
  public PlanPushResult readTarget(PlanPushRequest request) {
    return ledger.readTarget(request);
  }

  @Override
  public LoadedPlan load(PlanRef ref) {
    return ledger.load(ref);
  }

  @Override
  public ApprovalPolicy policy() {
    return ledger.policy();
  }

  @Override
  public SignatureCheck verify(SignedApproval approval) {
    return ledger.verify(approval);
  }
}
