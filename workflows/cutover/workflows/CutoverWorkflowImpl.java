package cutover.workflows;

import cutover.activities.BeginRun;
import cutover.activities.EndRun;
import cutover.activities.LedgerActivities;
import cutover.activities.LoadedPlan;
import cutover.activities.PlanActivities;
import cutover.activities.PlanRef;
import cutover.activities.RunStart;
import cutover.activities.StepCall;
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
  private final StepRunner steps = new StepRunner(ActivityStubs.steps(), ActivityStubs.parts());
  private final LedgerActivities ledger = ActivityStubs.ledger();
  private final PlanActivities plans = ActivityStubs.plans();
  private final LedgerRecorder recorder = new LedgerRecorder(ledger);
  private final Operator operator = new Operator();

  private CutoverRequest request;
  private Plan plan;
  private String hash;
  private String run;
  private String startedBy;
  private String currentPhase;
  private String currentPhaseWorkflowId;
  private final Map<String, CutoverStatus.PhaseView> phases = new LinkedHashMap<>();
  private final Map<String, StepView> compensations = new LinkedHashMap<>();
  private final List<PhaseResult> finishedPhases = new ArrayList<>();
  /** Signals for the running phase, delivered in order by {@link #forwardSignals()}. */
  private final Deque<ForwardedSignal> forward = new ArrayDeque<>();

  private record ForwardedSignal(String name, Object payload) {}

  @Override
  public CutoverResult run(CutoverRequest input) {
    request = input;
    if (CutoverPhaseWorkflowImpl.blank(input.plan()) || CutoverPhaseWorkflowImpl.blank(input.target())) {
      throw Failures.fatal("Cutover needs \"plan\" (a pushed plan's name) and \"target\" (a target configured on the worker), "
          + "e.g. {\"plan\":\"contract-templates\",\"target\":\"demo\"}", "InvalidInput");
    }
    LoadedPlan loaded;
    try {
      loaded = plans.load(new PlanRef(input.plan(), input.version(), input.target()));
    } catch (ActivityFailure failure) {
      throw Failures.fatal(Failures.describe(failure), "PlanNotFound");
    }
    plan = loaded.plan();
    hash = loaded.hash();
    boolean resume = !CutoverPhaseWorkflowImpl.blank(input.resume());
    run = resume ? input.resume() : Workflow.getInfo().getWorkflowId();
    String workflowId = Workflow.getInfo().getWorkflowId();
    Workflow.upsertTypedSearchAttributes(
        CutoverSearchAttributes.RUN.valueSet(run),
        CutoverSearchAttributes.PLAN.valueSet(plan.name()),
        CutoverSearchAttributes.TARGET.valueSet(input.target()),
        CutoverSearchAttributes.STATE.valueSet("active"));
    Workflow.upsertMemo(Map.of("run", run, "plan", plan.name(), "planHash", hash, "target", input.target()));
    RunStart start;
    try {
      start = ledger.beginRun(new BeginRun(input.target(), run, plan.name(), hash, workflowId,
          input.startedBy() == null ? "unknown" : input.startedBy(), resume));
    } catch (ActivityFailure failure) {
      throw Failures.fatal(Failures.describe(failure), "RunRefused");
    }
    startedBy = start.startedBy();
    if (start.resumed()) {
      operator.notice("resumed run " + run + ": steps already in the ledger are not applied again");
    }
    recorder.start(input.target(), run);
    plan.phases().forEach(p -> phases.put(p.name(), new CutoverStatus.PhaseView(p.name(), "pending", null, List.of())));
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
    phases.put(phase.name(), new CutoverStatus.PhaseView(phase.name(), "running", childId, List.of()));
    PhaseResult result = child.run(new PhaseRequest(plan.name(), request.target(), hash, phase.name(), run, startedBy,
        operator.pointOfNoReturn, request.allowFixes()));
    currentPhase = null;
    currentPhaseWorkflowId = null;
    phases.put(phase.name(), new CutoverStatus.PhaseView(phase.name(), result.state().name().toLowerCase(), childId,
        result.steps()));
    return result;
  }

  /** Compensates the steps of completed phases, the last phase first. */
  private RunState rollBackPhases(List<PhaseResult> completed, String why) {
    recorder.event("rollback", null, null, why);
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
    Compensations.undo(calls, steps, operator, recorder, compensations);
    operator.state = RunState.ROLLED_BACK;
    return RunState.ROLLED_BACK;
  }

  private CutoverResult finish(RunState state, List<PhaseResult> results) {
    operator.state = state;
    String detail = state == RunState.COMPLETED ? null : operator.lastError;
    recorder.flush();
    ledger.endRun(new EndRun(request.target(), run, state == RunState.COMPLETED ? "completed" : "rolled_back", detail));
    Workflow.upsertTypedSearchAttributes(CutoverSearchAttributes.STATE.valueSet(state.name().toLowerCase()));
    return new CutoverResult(run, plan.name(), request.target(), state, results, detail);
  }

  /** Delivers operator signals to the running phase, in the order they came. */
  private void forwardSignals() {
    while (true) {
      Workflow.await(() -> !forward.isEmpty() && currentPhaseWorkflowId != null);
      ForwardedSignal signal = forward.poll();
      try {
        Workflow.newUntypedExternalWorkflowStub(currentPhaseWorkflowId).signal(signal.name(), signal.payload());
      } catch (RuntimeException closed) {
        operator.notice(signal.name() + " not delivered: phase " + currentPhase + " had already finished");
      }
    }
  }

  // --- signals: the running phase decides; between phases this workflow does ------------------

  @Override
  public void approve(GateDecision decision) {
    forward.add(new ForwardedSignal("approve", decision));
  }

  @Override
  public void reject(GateDecision decision) {
    forward.add(new ForwardedSignal("reject", decision));
  }

  @Override
  public void skip(GateDecision decision) {
    forward.add(new ForwardedSignal("skip", decision));
  }

  @Override
  public void retry(OperatorAction action) {
    if (operator.state == RunState.ROLLBACK_FAILED_WAITING) {
      operator.retryRequested = true;
      recorder.event("retry", null, CutoverPhaseWorkflowImpl.actor(action), "compensation retried");
    } else {
      forward.add(new ForwardedSignal("retry", action));
    }
  }

  @Override
  public void rollback(OperatorAction action) {
    if (currentPhaseWorkflowId != null) {
      forward.add(new ForwardedSignal("rollback", action));
      return;
    }
    String refusal = operator.requestRollback(CutoverPhaseWorkflowImpl.actor(action));
    recorder.event(refusal == null ? "rollback_requested" : "rollback_refused", null,
        CutoverPhaseWorkflowImpl.actor(action), refusal);
  }

  @Override
  public void pause(OperatorAction action) {
    operator.paused = true;
    operator.notice("paused by " + CutoverPhaseWorkflowImpl.actor(action));
    forward.add(new ForwardedSignal("pause", action));
  }

  @Override
  public void resume(OperatorAction action) {
    operator.paused = false;
    operator.notice("resumed by " + CutoverPhaseWorkflowImpl.actor(action));
    forward.add(new ForwardedSignal("resume", action));
  }

  @Override
  public void tune(Tuning tuning) {
    forward.add(new ForwardedSignal("tune", tuning));
  }

  @Override
  public CutoverStatus status() {
    List<String> wouldUndo = new ArrayList<>();
    if (operator.pointOfNoReturn == null && operator.state != RunState.ROLLED_BACK) {
      for (int p = finishedPhases.size() - 1; p >= 0; p--) {
        List<String> attempted = finishedPhases.get(p).attempted();
        for (int i = attempted.size() - 1; i >= 0; i--) {
          wouldUndo.add(attempted.get(i));
        }
      }
    }
    return new CutoverStatus(run, plan == null ? request == null ? null : request.plan() : plan.name(), hash,
        request == null ? null : request.target(), startedBy, operator.state, currentPhase, currentPhaseWorkflowId,
        List.copyOf(phases.values()), List.copyOf(compensations.values()), wouldUndo, operator.pointOfNoReturn,
        operator.lastError, List.copyOf(operator.notices));
  }
}
