package cutover.workflows;

import cutover.activities.BeginRun;
import cutover.activities.EndRun;
import cutover.activities.LedgerActivities;
import cutover.activities.LedgerRunState;
import cutover.activities.LoadedPlan;
import cutover.activities.PlanActivities;
import cutover.activities.PlanRef;
import cutover.activities.RunEventKind;
import cutover.activities.StepActivities;
import cutover.activities.StepCall;
import cutover.activities.StepResult;
import cutover.activities.TuneRecord;
import cutover.activities.VerifyCall;
import cutover.activities.RunRef;
import cutover.activities.steps.Decision;
import cutover.activities.steps.Gate;
import cutover.activities.steps.GateContext;
import cutover.activities.steps.GateKind;
import cutover.activities.steps.GateView;
import cutover.activities.steps.StepKind;
import cutover.activities.steps.StepKinds;
import cutover.activities.steps.StepState;
import cutover.activities.steps.approval.ApprovalActivities;
import cutover.activities.steps.approval.ApprovalEvidence;
import cutover.activities.steps.approval.SignatureCheck;
import cutover.activities.steps.approval.SignedApproval;
import cutover.activities.waves.WaveActivities;
import cutover.activities.steps.soak.SoakProgress;
import cutover.activities.steps.soak.SoakProgressSignal;
import cutover.plan.Phase;
import cutover.plan.PlanStep;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

public class CutoverPhaseWorkflowImpl implements CutoverPhaseWorkflow {
  /** The target's activities, known once the run has its input. */
  private StepRunner steps;
  /** Runs the verifications a soak repeats. */
  private StepActivities verifier;
  private LedgerActivities ledger;
  private PlanActivities plans;
  private ApprovalActivities approvals;
  private WaveActivities waveKeys;
  /** The waves of a phase that has them, once they run. */
  private TenantWaves waves;
  private final LedgerRecorder recorder = new LedgerRecorder();
  private final Operator operator = new Operator();

  private PhaseRequest request;
  private String run;
  private String startedBy;
  private String currentStep;
  /** The batched step (a backfill) whose parts are running, which pause and tune reach within a batch. */
  private String runningBatched;
  /** The gate of the step being held, and that step's id. */
  private Gate gate;
  private String gateStep;
  private Long runStartedAt;
  /** The run's instant T given at start, in epoch ms, or null. */
  private Long instant;
  private String planHash;
  /** The outcome of each completed step as its kind reported it (a resumed step's too): the findings gates show. */
  private final Map<String, String> outcomes = new LinkedHashMap<>();
  /** Signed decisions received while a gate holds, checked on the main line (an activity) in order. */
  private final List<GateDecisionReceived> unverified = new ArrayList<>();
  /** The signatures of the decisions this phase counted, so that none counts twice. */
  private final Set<String> countedSignatures = new HashSet<>();
  /** The step just tried did not fail: it gave way to a rollback that was asked for. */
  private boolean gaveWayToRollback;
  private final Map<String, StepView> views = new LinkedHashMap<>();
  private final List<DecisionView> decisions = new ArrayList<>();
  /** Steps whose apply was started, registered before the call: its outcome may be unknown. */
  private final List<StepCall> attempted = new ArrayList<>();
  /** Findings of a failed verification can be accepted: false for a phase begun before acceptances. */
  private boolean acceptsFindings;
  /** The step that failed and waits for retry, rollback or acceptance, and whether it failed on findings. */
  private PlanStep failedStep;
  private boolean failedOnFindings;
  /** The last verification a gate ran did not hold (its findings), rather than failing with an error. */
  private boolean verifiedFindings;
  /** The acceptance of the failed step's findings the main line has yet to act on. */
  private FindingsAccepted accepted;

  private record FindingsAccepted(String by, String reason) {}

  @Override
  public PhaseResult run(PhaseRequest input) {
    request = input;
    requireInput();
    acceptsFindings = Workflow.getVersion("accept-findings", Workflow.DEFAULT_VERSION, 1) >= 1;
    ActivityStubs activities = ActivityStubs.forTarget(input.target());
    steps = new StepRunner(activities.steps(), activities.parts());
    verifier = activities.steps();
    ledger = activities.ledger();
    // a phase of a run under way waits for its target's workers; a phase started alone fails when there are none
    plans = blank(input.run()) ? activities.plansBeforeStart() : activities.plans();
    approvals = activities.approvals();
    waveKeys = activities.waves();
    LoadedPlan loaded = load();
    planHash = loaded.hash();
    Phase phase = loaded.plan().phase(input.phase()).orElseThrow(() -> Failures.fatal(
        "plan '" + input.plan() + "' has no phase '" + input.phase() + "'; its phases are: "
            + String.join(", ", loaded.plan().phases().stream().map(Phase::name).toList()),
        "InvalidInput"));
    boolean ownRun = input.run() == null || input.run().isBlank();
    // a phase of a cutover gets T from it, which checked it; a phase started alone is refused as a cutover is
    instant = ownRun || !blank(input.instant()) ? RunInstant.of(input.instant(), loaded.plan()) : null;
    run = ownRun ? Workflow.getInfo().getWorkflowId() : input.run();
    startedBy = input.startedBy() == null ? "unknown" : input.startedBy();
    operator.pointOfNoReturn = input.pointOfNoReturn();
    phase.steps().forEach(s -> views.put(s.id(), StepView.pending(phase.name(), s)));
    Workflow.upsertTypedSearchAttributes(
        CutoverSearchAttributes.RUN.valueSet(run),
        CutoverSearchAttributes.PLAN.valueSet(input.plan()),
        CutoverSearchAttributes.TARGET.valueSet(input.target()),
        CutoverSearchAttributes.PHASE.valueSet(phase.name()));
    Workflow.upsertMemo(Map.of("run", run, "plan", input.plan(), "target", input.target(), "phase", phase.name()));

    if (ownRun) {
      startedBy = beginOwnRun(loaded.hash());
    }
    recorder.start(ledger, input.target(), run);

    RunState outcome = runSteps(phase);
    recorder.flush();
    if (ownRun) {
      ledger.endRun(new EndRun(input.target(), run, outcome == RunState.COMPLETED ? LedgerRunState.COMPLETED : LedgerRunState.ROLLED_BACK, null));
    }
    return new PhaseResult(phase.name(), outcome, List.copyOf(views.values()),
        attempted.stream().map(c -> c.step().id()).toList(), pointOfNoReturnHere(), findingsBefore(phase, null),
        waves == null ? null : waves.touched());
  }

  private RunState runSteps(Phase phase) {
    if (phase.waves() != null && Workflow.getVersion(TenantWaves.CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1) {
      waves = new TenantWaves(request, run, phase, operator, recorder, views,
          gateStep -> hold(phase, gateStep, (GateKind<?>) StepKinds.ALL.of(gateStep)), waveKeys);
      return waves.run();
    }
    for (PlanStep step : phase.steps()) {
      operator.awaitUnpaused();
      if (operator.rollbackRequested) {
        return rollBack();
      }
      currentStep = step.id();
      boolean done = false;
      while (!done) {
        StepKind<?> kind = StepKinds.ALL.of(step);
        String failure = kind instanceof GateKind<?> gateKind ? hold(phase, step, gateKind) : apply(phase, step);
        if (failure == null) {
          done = true;
        } else if (gaveWayToRollback
            && Workflow.getVersion("rollback-not-a-failure", Workflow.DEFAULT_VERSION, 1) >= 1) {
          // the step gave way to a rollback someone asked for: no failure to record or to show
          views.computeIfPresent(step.id(), (k, v) -> v.with(StepState.STOPPED, failure));
          return rollBack();
        } else {
          recorder.event(RunEventKind.STEP_FAILED, step.id(), null, failure);
          failedStep = step;
          boolean goOn = operator.awaitRetryOrRollback(failure);
          failedStep = null;
          if (!goOn) {
            return rollBack();
          }
          if (accepted != null) {
            acceptFindings(step, failure);
            done = true;
          }
        }
      }
      if (step.pointOfNoReturn()) {
        operator.pointOfNoReturn = step.id();
        operator.notice("step '" + step.id() + "' completed: the point of no return has passed, rollback is no longer possible");
      }
    }
    currentStep = null;
    operator.state = RunState.COMPLETED;
    return RunState.COMPLETED;
  }

  /** @return null on success, else why it failed */
  private String apply(Phase phase, PlanStep step) {
    StepCall call = new StepCall(request.target(), run, phase.name(), step, request.allowFixes());
    if (attempted.stream().noneMatch(c -> c.step().id().equals(step.id()))) {
      attempted.add(call);
    }
    operator.state = RunState.RUNNING;
    views.computeIfPresent(step.id(), (k, v) -> v.with(StepState.RUNNING, null));
    runningBatched = StepRunner.batched(call) ? step.id() : null;
    gaveWayToRollback = false;
    failedOnFindings = false;
    try {
      StepResult result = steps.apply(call, () -> operator.rollbackRequested);
      String outcome = result.recorded() ? "already applied: " + result.outcome() : result.outcome();
      outcomes.put(step.id(), result.outcome());
      views.computeIfPresent(step.id(),
          (k, v) -> v.with(StepState.COMPLETED, outcome, result.attempts(), result.millis()));
      return null;
    } catch (ActivityFailure failure) {
      String error = Failures.of("step '" + step.id() + "'", failure);
      failedOnFindings = didNotHold(failure);
      views.computeIfPresent(step.id(), (k, v) -> v.with(StepState.FAILED, error));
      return error;
    } catch (StepRunner.Stopped stopped) {
      gaveWayToRollback = true;
      views.computeIfPresent(step.id(), (k, v) -> v.with(StepState.FAILED, stopped.getMessage()));
      return stopped.getMessage();
    } finally {
      runningBatched = null;
    }
  }

  /** Holds a gate until it passes. @return null when passed, else why not */
  private String hold(Phase phase, PlanStep step, GateKind<?> kind) {
    gate = kind.open(step, new StepGateContext(phase, step));
    gateStep = step.id();
    verifiedFindings = false;
    long opened = Workflow.currentTimeMillis();
    try {
      String why = gate.pass();
      gaveWayToRollback = why != null && operator.rollbackRequested;
      failedOnFindings = verifiedFindings;
      WorkflowMetrics.gateHeld(step.kind(), Workflow.currentTimeMillis() - opened, why == null);
      return why;
    } finally {
      gate = null;
      gateStep = null;
    }
  }

  /** A gate's view of this phase: its activities, the ledger's log, and its step's state. */
  private final class StepGateContext implements GateContext {
    private final Phase phase;
    private final PlanStep step;

    StepGateContext(Phase phase, PlanStep step) {
      this.phase = phase;
      this.step = step;
    }

    @Override
    public String run() {
      return run;
    }

    @Override
    public String target() {
      return request.target();
    }

    @Override
    public String phase() {
      return phase.name();
    }

    @Override
    public ApprovalActivities approvals() {
      return approvals;
    }

    @Override
    public String planHash() {
      return planHash;
    }

    @Override
    public List<String> findings() {
      List<String> lines = new ArrayList<>(request.earlierFindings());
      lines.addAll(findingsBefore(phase, step.id()));
      return lines;
    }

    @Override
    public void awaitPeople(Supplier<Boolean> decided) {
      while (true) {
        Workflow.await(() -> decided.get() || !unverified.isEmpty());
        if (unverified.isEmpty()) {
          return;
        }
        checkSigned(unverified.remove(0));
      }
    }

    @Override
    public void notice(String text) {
      operator.notice(text);
    }

    @Override
    public String startedBy() {
      return startedBy;
    }

    @Override
    public LedgerActivities ledger() {
      return ledger;
    }

    @Override
    public long runStartedAt() {
      if (runStartedAt == null) {
        runStartedAt = ledger.runStartedAt(new RunRef(request.target(), run));
      }
      return runStartedAt;
    }

    @Override
    public String verify(VerifyCall call) {
      try {
        verifier.verify(call);
        verifiedFindings = false;
        return null;
      } catch (ActivityFailure failure) {
        verifiedFindings = didNotHold(failure);
        return Failures.describe(failure);
      }
    }

    @Override
    public void failedOnFindings() {
      verifiedFindings = true;
    }

    @Override
    public void event(RunEventKind kind, String actor, String detail) {
      recorder.event(kind, step.id(), actor, detail);
    }

    @Override
    public void flush() {
      recorder.flush();
    }

    @Override
    public boolean rollbackRequested() {
      return operator.rollbackRequested;
    }

    @Override
    public Long instant() {
      return instant;
    }

    @Override
    public boolean paused() {
      return operator.paused;
    }

    @Override
    public void waitingForPeople(String text) {
      operator.state = RunState.WAITING_APPROVAL;
      show(StepState.WAITING, text);
    }

    @Override
    public void waitingForTime(StepState showAs, String text) {
      operator.state = RunState.WAITING;
      show(showAs, text);
    }

    @Override
    public void running() {
      operator.state = RunState.RUNNING;
    }

    @Override
    public void completed(String outcome, Integer attempts, Long millis) {
      outcomes.put(step.id(), outcome);
      views.computeIfPresent(step.id(), (k, v) -> attempts == null && millis == null
          ? v.with(StepState.COMPLETED, outcome) : v.with(StepState.COMPLETED, outcome, attempts, millis));
    }

    @Override
    public void failed(String why) {
      show(StepState.FAILED, why);
    }

    private void show(StepState state, String text) {
      views.computeIfPresent(step.id(), (k, v) -> v.with(state, text));
    }
  }

  /** A verification that ran and did not hold, rather than one that could not run. */
  private static boolean didNotHold(ActivityFailure failure) {
    return failure.getCause() instanceof ApplicationFailure application
        && StepActivities.VERIFICATION_FAILED.equals(application.getType());
  }

  /** The failed step's findings were accepted: it shows as accepted, with who and why, and the phase goes on. */
  private void acceptFindings(PlanStep step, String failure) {
    String text = "accepted by " + accepted.by() + ": " + accepted.reason() + " — " + failure;
    accepted = null;
    outcomes.put(step.id(), text);
    views.computeIfPresent(step.id(), (k, v) -> v.with(StepState.ACCEPTED, text));
  }

  /** The findings of this phase's completed steps before {@code stepId} (all of them when null), in plan order. */
  private List<String> findingsBefore(Phase phase, String stepId) {
    List<String> lines = new ArrayList<>();
    for (PlanStep before : phase.steps()) {
      if (before.id().equals(stepId)) {
        break;
      }
      if (outcomes.containsKey(before.id())) {
        lines.add(ApprovalEvidence.finding(before.id(), before.kind(), outcomes.get(before.id())));
      }
    }
    return lines;
  }

  private RunState rollBack() {
    recorder.event(RunEventKind.ROLLBACK, currentStep, null,
        "compensating " + attempted.size() + " step(s) of phase " + request.phase());
    Compensations.undo(attempted, steps, operator, recorder, views);
    operator.state = RunState.ROLLED_BACK;
    return RunState.ROLLED_BACK;
  }

  private String pointOfNoReturnHere() {
    String mark = operator.pointOfNoReturn;
    return mark != null && views.containsKey(mark) ? mark : request.pointOfNoReturn();
  }

  private void requireInput() {
    Failures.refuseUnusableStart(TYPE, request == null, request == null ? null : request.unreadable(),
        PhaseRequest.EXAMPLE);
    if (blank(request.plan()) || blank(request.target()) || blank(request.phase())) {
      throw Failures.fatal("CutoverPhase needs \"plan\", \"target\" and \"phase\", e.g. " + PhaseRequest.EXAMPLE,
          "InvalidInput");
    }
  }

  private LoadedPlan load() {
    try {
      return plans.load(new PlanRef(request.plan(), request.version(), request.target()));
    } catch (ActivityFailure failure) {
      throw Failures.onTarget(failure, request.target(), "load the plan");
    }
  }

  private String beginOwnRun(String hash) {
    try {
      return ledger.beginRun(new BeginRun(request.target(), run, request.plan(), hash,
          Workflow.getInfo().getWorkflowId(), startedBy, false)).startedBy();
    } catch (ActivityFailure failure) {
      throw Failures.fatal(Failures.describe(failure), "RunRefused");
    }
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  // --- signals -------------------------------------------------------------------------------

  @Override
  public void approve(GateDecision decision) {
    decide(Decision.APPROVE, decision);
  }

  @Override
  public void reject(GateDecision decision) {
    decide(Decision.REJECT, decision);
  }

  @Override
  public void skip(GateDecision decision) {
    decide(Decision.SKIP, decision);
  }

  @Override
  public void done(GateDecision decision) {
    decide(Decision.DONE, decision);
  }

  private void decide(Decision decision, GateDecision sent) {
    if (operator.refusedAsUnreadable(OperatorSignal.of(decision), sent)) {
      return;
    }
    GateDecision d = sent == null ? new GateDecision(null, null, null, null) : sent;
    String by = blank(d.by()) ? "" : d.by().trim();
    boolean holding = gate != null && gate.holding() && gate.takes(decision);
    boolean signed = d.signed() && decision != Decision.SKIP && decision != Decision.DONE;
    String refusal;
    if (by.isEmpty() && !signed) {
      refusal = "a decision must say who makes it";
    } else if (!holding || !gateStep.equals(d.gate())) {
      String open = holding ? gateStep : null;
      refusal = decision == Decision.SKIP
          ? "gate '" + d.gate() + "' is not a wait or soak that is holding" + (open == null ? "" : " (holding: '" + open + "')")
          : decision == Decision.DONE
          ? "step '" + d.gate() + "' is not a task waiting for its work" + (open == null ? "" : " (waiting: '" + open + "')")
          : "gate '" + d.gate() + "' is not waiting for a decision" + (open == null ? "" : " (waiting: '" + open + "')");
    } else if (signed && gate.evidence() == null) {
      refusal = "gate '" + d.gate() + "' takes no signed decisions (it opened on a worker from before signed approvals)";
    } else if (signed && countedSignatures.contains(d.signature().strip())) {
      // a signature is visible in the history: sent again at a reopened gate it would count twice
      refusal = "this signature was already counted in this phase: a signed decision counts once; sign the decision again";
    } else if (signed) {
      // the signature is checked by an activity, which a signal handler must not wait for
      unverified.add(new GateDecisionReceived(decision, d, Workflow.currentTimeMillis()));
      return;
    } else {
      refusal = gate.decide(decision, by, d.comment());
    }
    record(decision, d, signed && by.isEmpty() ? UNVERIFIED : by, refusal, Workflow.currentTimeMillis(), null);
  }

  /** Who a signed decision is recorded as when its signature names nobody the worker allows. */
  private static final String UNVERIFIED = "unverified signer";

  /** A signed decision waiting for its signature to be checked. */
  private record GateDecisionReceived(Decision decision, GateDecision sent, long atMillis) {}

  /**
   * Checks a signed decision on the main line: the plan version and findings it was signed over
   * must be the gate's, and the worker verifies the signature; the principal it names decides.
   */
  private void checkSigned(GateDecisionReceived received) {
    GateDecision d = received.sent();
    String claimed = blank(d.by()) ? null : d.by().trim();
    ApprovalEvidence evidence = gate.evidence();
    String refusal = evidence.changedSince(d.planHash(), d.findingsDigest());
    SignatureCheck check = null;
    if (refusal == null) {
      try {
        check = approvals.verify(new SignedApproval(evidence.message(run, gateStep, received.decision()), d.signature(),
            claimed));
        refusal = check.refusal();
      } catch (ActivityFailure failure) {
        refusal = "the signature could not be checked: " + Failures.describe(failure);
      }
    }
    boolean verified = refusal == null;
    String by = verified ? check.principal() : claimed == null ? UNVERIFIED : claimed;
    if (verified) {
      refusal = gate.holding() ? gate.decideSigned(received.decision(), by, d.comment())
          : "gate '" + d.gate() + "' stopped waiting while the signature was checked";
    }
    record(received.decision(), d, by, refusal, received.atMillis(), verified ? evidence : null);
  }

  /** Records a decision, accepted or refused, in status and the ledger, and answers its signal. */
  private void record(Decision decision, GateDecision d, String by, String refusal, long atMillis,
      ApprovalEvidence signedOver) {
    boolean signed = signedOver != null;
    if (signed && refusal == null) {
      countedSignatures.add(d.signature().strip());
    }
    DecisionView view = new DecisionView(d.gate(), decision, by, d.comment(), refusal == null, refusal, d.requestId(),
        atMillis, signed, signed ? signedOver.planHash() : null, signed ? signedOver.findingsDigest() : null);
    decisions.add(view);
    recorder.decision(view, d.signed() ? d.signature() : null); // a refused signature is kept too, for audit
    operator.answer(d.requestId(), OperatorSignal.of(decision), refusal == null,
        (refusal == null ? "" : "refused: ") + decision.word() + " of "
            + (d.gate() == null ? "no gate" : "'" + d.gate() + "'") + " by " + (by.isEmpty() ? "nobody" : by)
            + (signed ? " (signed)" : "") + (refusal == null ? "" : " — " + refusal));
  }

  @Override
  public void retry(OperatorAction action) {
    if (operator.refusedAsUnreadable(OperatorSignal.RETRY, action)) {
      return;
    }
    boolean waiting = operator.state == RunState.FAILED_WAITING || operator.state == RunState.ROLLBACK_FAILED_WAITING;
    if (waiting) {
      operator.retryRequested = true;
      operator.answer(requestId(action), OperatorSignal.RETRY, true, "retry requested by " + actor(action));
    } else {
      operator.answer(requestId(action), OperatorSignal.RETRY, false,
          "retry by " + actor(action) + " ignored: nothing is waiting for a retry");
    }
    recorder.event(waiting ? RunEventKind.RETRY : RunEventKind.RETRY_IGNORED, currentStep, actor(action),
        action == null ? null : action.reason());
  }

  @Override
  public void rollback(OperatorAction action) {
    if (operator.refusedAsUnreadable(OperatorSignal.ROLLBACK, action)) {
      return;
    }
    String refusal = operator.requestRollback(actor(action), requestId(action));
    recorder.event(refusal == null ? RunEventKind.ROLLBACK_REQUESTED : RunEventKind.ROLLBACK_REFUSED, currentStep,
        actor(action), refusal == null ? (action == null ? null : action.reason()) : refusal);
  }

  @Override
  public void pause(OperatorAction action) {
    if (operator.refusedAsUnreadable(OperatorSignal.PAUSE, action)) {
      return;
    }
    operator.paused = true;
    operator.answer(requestId(action), OperatorSignal.PAUSE, true, "paused by " + actor(action)
        + (runningBatched == null ? "" : "; backfill " + runningBatched + " pauses after its current batch"));
    recorder.event(RunEventKind.PAUSE, currentStep, actor(action), action == null ? null : action.reason());
  }

  @Override
  public void resume(OperatorAction action) {
    if (operator.refusedAsUnreadable(OperatorSignal.RESUME, action)) {
      return;
    }
    operator.paused = false;
    operator.answer(requestId(action), OperatorSignal.RESUME, true, "resumed by " + actor(action));
    recorder.event(RunEventKind.RESUME, currentStep, actor(action), action == null ? null : action.reason());
  }

  @Override
  public void tune(Tuning tuning) {
    if (operator.refusedAsUnreadable(OperatorSignal.TUNE, tuning)) {
      return;
    }
    String by = tuning == null || blank(tuning.by()) ? "unknown" : tuning.by();
    String refusal = null;
    if (tuning == null || tuning.batchSize() == null && tuning.rate() == null) {
      refusal = "tune needs a batch size or a rate";
    } else if (tuning.batchSize() != null && tuning.batchSize() != 0
        && (tuning.batchSize() < 100 || tuning.batchSize() > 1_000_000)) {
      refusal = "batch size must be between 100 and 1000000 (0: adapt to the batch time)";
    } else if (tuning.rate() != null && tuning.rate() < 0) {
      refusal = "rate must not be negative (0: no cap)";
    } else if (runningBatched == null) {
      refusal = "no backfill is running";
    }
    if (refusal != null) {
      operator.answer(requestId(tuning), OperatorSignal.TUNE, false, "tune by " + by + " refused: " + refusal);
      recorder.event(RunEventKind.TUNE_REFUSED, currentStep, by, refusal);
      return;
    }
    String values = TuneRecord.describe(tuning.batchSize(), tuning.rate());
    operator.answer(requestId(tuning), OperatorSignal.TUNE, true,
        "tuned by " + by + ": backfill " + runningBatched + " " + values + " from its next batch");
    String detail = blank(tuning.reason()) ? values : values + "; " + tuning.reason();
    if (Workflow.getVersion("tune-record", Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      recorder.event(RunEventKind.TUNE, runningBatched, by, detail); // histories from before tunes were values
    } else {
      recorder.tune(runningBatched, by, tuning.batchSize(), tuning.rate(), detail);
    }
  }

  @Override
  public void accept(Acceptance sent) {
    Acceptance a = sent == null ? new Acceptance(null, null, null, null) : sent;
    String by = blank(a.by()) ? "" : a.by().trim();
    String refusal = acceptanceRefusal(a, by);
    if (!acceptsFindings || a.unreadable() != null) {
      // an unusable payload is answered in the words every signal uses for one; a phase begun before
      // acceptances answers only, as a ledger write would change the commands its history replays
      operator.answer(a.requestId(), OperatorSignal.ACCEPT, false, "refused: accept — " + refusal);
      if (acceptsFindings) {
        DecisionView view = new DecisionView(a.step(), Decision.ACCEPT, by, a.reason(), false, refusal, a.requestId(),
            Workflow.currentTimeMillis(), false, null, null);
        decisions.add(view);
        recorder.decision(view, null);
      }
      return;
    }
    if (refusal == null) {
      accepted = new FindingsAccepted(by, a.reason().trim());
      operator.findingsAccepted = true;
    }
    record(Decision.ACCEPT, new GateDecision(a.step(), by, a.reason(), a.requestId()), by, refusal,
        Workflow.currentTimeMillis(), null);
  }

  /** @return why an acceptance is refused, or null when the failed step's findings may be accepted */
  private String acceptanceRefusal(Acceptance a, String by) {
    if (a.unreadable() != null) {
      return a.unreadable();
    }
    if (!acceptsFindings) {
      return "this phase began on a worker from before acceptances; retry or rollback";
    }
    if (by.isEmpty()) {
      return "an acceptance must say who accepts (--by)";
    }
    if (blank(a.step())) {
      return "an acceptance must name the failed step (--step)";
    }
    if (blank(a.reason())) {
      return "an acceptance needs a reason (--reason), e.g. the ticket that tracks the findings";
    }
    if (failedStep == null || operator.state != RunState.FAILED_WAITING) {
      return "step '" + a.step() + "' is not waiting after a failure: there are no findings to accept";
    }
    if (!failedStep.id().equals(a.step())) {
      return "step '" + a.step() + "' is not the failed step; '" + failedStep.id() + "' is";
    }
    if (accepted != null) {
      return "the findings of step '" + failedStep.id() + "' are already accepted";
    }
    if (!StepKinds.ALL.of(failedStep).findingsAcceptable()) {
      return "step '" + failedStep.id() + "' is a " + failedStep.kind() + " step, not a verification: only the "
          + "findings of a failed check, parity, http or soak can be accepted; retry or rollback";
    }
    if (!failedOnFindings) {
      return "step '" + failedStep.id() + "' failed with an error, not with findings: fix it and retry, or rollback";
    }
    return null;
  }

  /** A soak's child workflow reports how far it has come; status shows it. */
  @Override
  public void soakProgress(SoakProgress progress) {
    if (gate instanceof SoakProgressSignal soak) {
      soak.soakProgress(progress);
    }
  }

  static String actor(OperatorAction action) {
    return action == null || blank(action.by()) ? "unknown" : action.by();
  }

  static String requestId(OperatorAction action) {
    return action == null ? null : action.requestId();
  }

  private static String requestId(Tuning tuning) {
    return tuning == null ? null : tuning.requestId();
  }

  @Override
  public PhaseStatus status() {
    List<String> wouldUndo = new ArrayList<>();
    for (int i = attempted.size() - 1; i >= 0; i--) {
      PlanStep s = attempted.get(i).step();
      wouldUndo.add(s.irreversible() ? s.id() + " (irreversible: not undone)" : s.id());
    }
    GateView waiting = gate != null && gate.holding() ? gate.view() : null;
    List<GateView> gates = waiting == null ? List.of() : List.of(waiting);
    return new PhaseStatus(run, request == null ? null : request.plan(), request == null ? null : request.target(),
        request == null ? null : request.phase(), operator.state, currentStep, List.copyOf(views.values()), gates,
        List.copyOf(decisions), operator.pointOfNoReturn == null ? wouldUndo : List.of(), operator.pointOfNoReturn,
        operator.lastError, List.copyOf(operator.notices), List.copyOf(operator.answers),
        waves == null ? null : waves.summary());
  }
}
