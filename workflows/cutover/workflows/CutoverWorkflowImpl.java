package cutover.workflows;

import cutover.activities.BeginRun;
import cutover.activities.EndRun;
import cutover.activities.LedgerActivities;
import cutover.activities.LedgerRunState;
import cutover.activities.LoadedPlan;
import cutover.activities.PlanActivities;
import cutover.activities.PlanRef;
import cutover.activities.RunEventKind;
import cutover.activities.RunStart;
import cutover.activities.StepCall;
import cutover.activities.steps.Decision;
import cutover.plan.Phase;
import cutover.plan.Plan;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class CutoverWorkflowImpl implements CutoverWorkflow {
  static final String LINT_AT_START = "lint-at-start";
  /** The target's activities, known once the run has its input. */
  private StepRunner steps;
  private LedgerActivities ledger;
  private final LedgerRecorder recorder = new LedgerRecorder();
  private final Operator operator = new Operator();

  private CutoverRequest request;
  private Plan plan;
  private String hash;
  private String run;
  private String startedBy;
  private String currentPhase;
  private String currentPhaseWorkflowId;
  /** The run's instant T given at start, in epoch ms, or null. */
  private Long instant;
  private final Map<String, CutoverStatus.PhaseView> phases = new LinkedHashMap<>();
  private final Map<String, StepView> compensations = new LinkedHashMap<>();
  private final List<PhaseResult> finishedPhases = new ArrayList<>();
  /** Signals for the running phase, delivered in order by {@link #forwardSignals()}. */
  private final Deque<ForwardedSignal> forward = new ArrayDeque<>();

  /** @param answeredHere this workflow answered it already (it holds pause and resume itself too) */
  private record ForwardedSignal(OperatorSignal signal, Object payload, String requestId, boolean answeredHere) {}

  @Override
  public CutoverResult run(CutoverRequest input) {
    request = input;
    Failures.refuseUnusableStart(TYPE, input == null, input == null ? null : input.unreadable(), CutoverRequest.EXAMPLE);
    if (CutoverPhaseWorkflowImpl.blank(input.plan()) || CutoverPhaseWorkflowImpl.blank(input.target())) {
      throw Failures.fatal("Cutover needs \"plan\" (a pushed plan's name) and \"target\" (a target configured on the worker), "
          + "e.g. " + CutoverRequest.EXAMPLE, "InvalidInput");
    }
    ActivityStubs activities = ActivityStubs.forTarget(input.target());
    steps = new StepRunner(activities.steps(), activities.parts());
    ledger = activities.ledger();
    PlanActivities plans = activities.plansBeforeStart();
    LoadedPlan loaded;
    try {
      // Since version 1, a new run refuses a plan with lint errors no step acknowledges; a resumed one does not.
      boolean lint = CutoverPhaseWorkflowImpl.blank(input.resume())
          && Workflow.getVersion(LINT_AT_START, Workflow.DEFAULT_VERSION, 1) >= 1;
      loaded = plans.load(new PlanRef(input.plan(), input.version(), input.target(), lint));
    } catch (ActivityFailure failure) {
      throw Failures.onTarget(failure, input.target(), "load the plan");
    }
    plan = loaded.plan();
    hash = loaded.hash();
    instant = RunInstant.of(input.instant(), plan);
    boolean resume = !CutoverPhaseWorkflowImpl.blank(input.resume());
    run = resume ? input.resume() : Workflow.getInfo().getWorkflowId();
    String workflowId = Workflow.getInfo().getWorkflowId();
    Workflow.upsertTypedSearchAttributes(
        CutoverSearchAttributes.RUN.valueSet(run),
        CutoverSearchAttributes.PLAN.valueSet(plan.name()),
        CutoverSearchAttributes.TARGET.valueSet(input.target()),
        CutoverSearchAttributes.STATE.valueSet(LedgerRunState.ACTIVE.word()));
    Workflow.upsertMemo(Map.of("run", run, "plan", plan.name(), "planHash", hash, "target", input.target()));
    RunStart start;
    try {
      start = ledger.beginRun(new BeginRun(input.target(), run, plan.name(), hash, workflowId,
          input.startedBy() == null ? "unknown" : input.startedBy(), resume, Workflow.getInfo().getRunId()));
    } catch (ActivityFailure failure) {
      throw Failures.fatal(Failures.describe(failure), "RunRefused");
    }
    startedBy = start.startedBy();
    if (start.resumed()) {
      operator.notice("resumed run " + run + ": steps already in the ledger are not applied again");
    }
    recorder.start(ledger, input.target(), run);
    plan.phases().forEach(p -> phases.put(p.name(),
        new CutoverStatus.PhaseView(p.name(), CutoverStatus.PhaseState.PENDING, null, List.of())));
    Async.procedure(this::forwardSignals);

    for (Phase phase : plan.phases()) {
      operator.awaitUnpaused();
      if (operator.rollbackRequested) {
        return finish(rollBackPhases(finishedPhases, "rollback requested between phases"), finishedPhases);
      }
      PhaseResult result = runPhase(phase);
      finishedPhases.add(result);
      if (result.pointOfNoReturn() != null) {
        operator.pointOfNoReturn = result.pointOfNoReturn();
      }
      if (result.state() == RunState.ROLLED_BACK) {
        return finish(rollBackPhases(finishedPhases.subList(0, finishedPhases.size() - 1), "phase " + phase.name() + " rolled back"),
            finishedPhases);
      }
    }
    operator.state = RunState.COMPLETED;
    return finish(RunState.COMPLETED, finishedPhases);
  }

  private PhaseResult runPhase(Phase phase) {
    String childId = run + "." + phase.name();
    CutoverPhaseWorkflow child = Workflow.newChildWorkflowStub(CutoverPhaseWorkflow.class,
        ChildWorkflowOptions.newBuilder().setWorkflowId(childId).build());
    currentPhase = phase.name();
    currentPhaseWorkflowId = childId;
    operator.state = RunState.RUNNING;
    phases.put(phase.name(), new CutoverStatus.PhaseView(phase.name(), CutoverStatus.PhaseState.RUNNING, childId, List.of()));
    PhaseResult result = child.run(new PhaseRequest(plan.name(), request.target(), hash, phase.name(), run, startedBy,
        operator.pointOfNoReturn, request.allowFixes(),
        finishedPhases.stream().flatMap(done -> done.findings().stream()).toList(), RunInstant.text(instant)));
    currentPhase = null;
    currentPhaseWorkflowId = null;
    phases.put(phase.name(), new CutoverStatus.PhaseView(phase.name(), CutoverStatus.PhaseState.of(result.state()), childId,
        result.steps()));
    return result;
  }

  /** Compensates the steps of completed phases, the last phase first. */
  private RunState rollBackPhases(List<PhaseResult> completed, String why) {
    recorder.event(RunEventKind.ROLLBACK, null, null, why);
    List<StepCall> calls = new ArrayList<>();
    for (PhaseResult phaseResult : completed) {
      for (String stepId : phaseResult.attempted()) {
        calls.add(new StepCall(request.target(), run, phaseResult.phase(), plan.step(stepId).orElseThrow()));
      }
    }
    for (int i = calls.size() - 1; i >= 0; i--) {
      StepCall call = calls.get(i);
      compensations.put(call.step().id(), StepView.pending(call.phase(), call.step()));
    }
    if (completed.stream().anyMatch(done -> done.waveKeys() != null)
        && Workflow.getVersion(TenantWaves.CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1) {
      rollBackWithWaves(completed, calls);
    } else {
      Compensations.undo(calls, steps, operator, recorder, compensations);
    }
    operator.state = RunState.ROLLED_BACK;
    return RunState.ROLLED_BACK;
  }

  /** Phase by phase, the last first: a wave phase's keys as its own rollback would undo them, other phases' steps. */
  private void rollBackWithWaves(List<PhaseResult> completed, List<StepCall> calls) {
    for (int p = completed.size() - 1; p >= 0; p--) {
      PhaseResult done = completed.get(p);
      Phase phase = plan.phase(done.phase()).orElseThrow();
      if (done.waveKeys() != null) {
        phase.steps().forEach(s -> compensations.put(s.id(), StepView.pending(phase.name(), s)));
        TenantWaves.rollBackFinished(request.target(), run, phase, request.allowFixes(), done.waveKeys(), operator,
            recorder, compensations);
      } else {
        Compensations.undo(calls.stream().filter(c -> c.phase().equals(done.phase())).toList(), steps, operator, recorder,
            compensations);
      }
    }
  }

  private CutoverResult finish(RunState state, List<PhaseResult> results) {
    operator.state = state;
    String detail = state == RunState.COMPLETED ? null : operator.lastError;
    recorder.flush();
    ledger.endRun(new EndRun(request.target(), run, state == RunState.COMPLETED ? LedgerRunState.COMPLETED : LedgerRunState.ROLLED_BACK, detail));
    Workflow.upsertTypedSearchAttributes(CutoverSearchAttributes.STATE.valueSet(state.name().toLowerCase()));
    return new CutoverResult(run, plan.name(), request.target(), state, results, detail);
  }

  /** Delivers operator signals to the running phase, in the order they came. */
  private void forwardSignals() {
    while (true) {
      Workflow.await(() -> !forward.isEmpty() && currentPhaseWorkflowId != null);
      ForwardedSignal signal = forward.poll();
      try {
        Workflow.newUntypedExternalWorkflowStub(currentPhaseWorkflowId).signal(signal.signal().word(), signal.payload());
      } catch (RuntimeException closed) {
        String text = signal.signal().word() + " not delivered: phase " + currentPhase + " had already finished";
        if (signal.answeredHere()) {
          operator.notice(text);
        } else {
          operator.answer(signal.requestId(), signal.signal(), false, text);
        }
      }
    }
  }

  // --- signals: the running phase decides; between phases this workflow does ------------------

  @Override
  public void approve(GateDecision decision) {
    forwardDecision(OperatorSignal.APPROVE, decision);
  }

  @Override
  public void reject(GateDecision decision) {
    forwardDecision(OperatorSignal.REJECT, decision);
  }

  @Override
  public void skip(GateDecision decision) {
    forwardDecision(OperatorSignal.SKIP, decision);
  }

  private void forwardDecision(OperatorSignal signal, GateDecision decision) {
    if (operator.refusedAsUnreadable(signal, decision)) {
      return;
    }
    forward.add(new ForwardedSignal(signal, decision, decision == null ? null : decision.requestId(), false));
  }

  private void forwardAction(OperatorSignal signal, OperatorAction action, boolean answeredHere) {
    forward.add(new ForwardedSignal(signal, action, CutoverPhaseWorkflowImpl.requestId(action), answeredHere));
  }

  @Override
  public void retry(OperatorAction action) {
    if (operator.refusedAsUnreadable(OperatorSignal.RETRY, action)) {
      return;
    }
    if (operator.state == RunState.ROLLBACK_FAILED_WAITING) {
      operator.retryRequested = true;
      operator.answer(CutoverPhaseWorkflowImpl.requestId(action), OperatorSignal.RETRY, true,
          "retry of the compensation requested by " + CutoverPhaseWorkflowImpl.actor(action));
      recorder.event(RunEventKind.RETRY, null, CutoverPhaseWorkflowImpl.actor(action), "compensation retried");
    } else {
      forwardAction(OperatorSignal.RETRY, action, false);
    }
  }

  @Override
  public void rollback(OperatorAction action) {
    if (operator.refusedAsUnreadable(OperatorSignal.ROLLBACK, action)) {
      return;
    }
    if (currentPhaseWorkflowId != null) {
      forwardAction(OperatorSignal.ROLLBACK, action, false);
      return;
    }
    String refusal = operator.requestRollback(CutoverPhaseWorkflowImpl.actor(action),
        CutoverPhaseWorkflowImpl.requestId(action));
    recorder.event(refusal == null ? RunEventKind.ROLLBACK_REQUESTED : RunEventKind.ROLLBACK_REFUSED, null,
        CutoverPhaseWorkflowImpl.actor(action), refusal);
  }

  @Override
  public void pause(OperatorAction action) {
    if (operator.refusedAsUnreadable(OperatorSignal.PAUSE, action)) {
      return;
    }
    operator.paused = true;
    operator.answer(CutoverPhaseWorkflowImpl.requestId(action), OperatorSignal.PAUSE, true,
        "paused by " + CutoverPhaseWorkflowImpl.actor(action));
    forwardAction(OperatorSignal.PAUSE, action, true);
  }

  @Override
  public void resume(OperatorAction action) {
    if (operator.refusedAsUnreadable(OperatorSignal.RESUME, action)) {
      return;
    }
    operator.paused = false;
    operator.answer(CutoverPhaseWorkflowImpl.requestId(action), OperatorSignal.RESUME, true,
        "resumed by " + CutoverPhaseWorkflowImpl.actor(action));
    forwardAction(OperatorSignal.RESUME, action, true);
  }

  @Override
  public void tune(Tuning tuning) {
    if (operator.refusedAsUnreadable(OperatorSignal.TUNE, tuning)) {
      return;
    }
    forward.add(new ForwardedSignal(OperatorSignal.TUNE, tuning, tuning == null ? null : tuning.requestId(), false));
  }

  @Override
  public void done(GateDecision decision) {
    forwardDecision(OperatorSignal.DONE, decision);
  }

  @Override
  public void accept(Acceptance acceptance) {
    if (acceptance != null && acceptance.unreadable() != null) {
      // forwarded, its fields would be read again as text and could pass: refused and recorded here
      String by = CutoverPhaseWorkflowImpl.blank(acceptance.by()) ? "" : acceptance.by().trim();
      operator.answer(acceptance.requestId(), OperatorSignal.ACCEPT, false, "refused: accept — " + acceptance.unreadable());
      recorder.decision(new DecisionView(acceptance.step(), Decision.ACCEPT, by, acceptance.reason(), false,
          acceptance.unreadable(), acceptance.requestId(), Workflow.currentTimeMillis(), false, null, null), null);
      return;
    }
    forward.add(new ForwardedSignal(OperatorSignal.ACCEPT, acceptance, acceptance == null ? null : acceptance.requestId(),
        false));
  }

  @Override
  public CutoverStatus status() {
    List<String> wouldUndo = new ArrayList<>();
    if (operator.pointOfNoReturn == null && operator.state != RunState.ROLLED_BACK) {
      for (int p = finishedPhases.size() - 1; p >= 0; p--) {
        List<String> keys = finishedPhases.get(p).waveKeys();
        if (keys != null && !keys.isEmpty()) {
          wouldUndo.add("the steps of " + keys.size() + " key(s) of phase " + finishedPhases.get(p).phase());
        }
        List<String> attempted = finishedPhases.get(p).attempted();
        for (int i = attempted.size() - 1; i >= 0; i--) {
          wouldUndo.add(attempted.get(i));
        }
      }
    }
    return new CutoverStatus(run, plan == null ? request == null ? null : request.plan() : plan.name(), hash,
        request == null ? null : request.target(), startedBy, operator.state, currentPhase, currentPhaseWorkflowId,
        List.copyOf(phases.values()), List.copyOf(compensations.values()), wouldUndo, operator.pointOfNoReturn,
        operator.lastError, List.copyOf(operator.notices), List.copyOf(operator.answers), RunInstant.text(instant),
        RunInstant.moments(plan, instant));
  }
}
