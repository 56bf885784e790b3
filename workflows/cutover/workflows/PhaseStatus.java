package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonInclude;
import cutover.activities.steps.GateView;
import java.util.List;

/**
 * The answer of a phase's {@code status} query.
 *
 * @param rollbackWouldUndo the steps a rollback of this phase would compensate, in the order it would
 * @param pointOfNoReturn the completed step after which rollback is refused, or null
 * @param answers how this phase answered the latest signals, oldest first
 * @param waves a wave phase's keys and waves in summary; null for a phase without waves
 */
public record PhaseStatus(
    String run,
    String plan,
    String target,
    String phase,
    RunState state,
    String currentStep,
    List<StepView> steps,
    List<GateView> pendingGates,
    List<DecisionView> decisions,
    List<String> rollbackWouldUndo,
    String pointOfNoReturn,
    String lastError,
    List<String> notices,
    List<SignalAnswer> answers,
    @JsonInclude(JsonInclude.Include.NON_NULL) WaveSummary waves) {

  public PhaseStatus(String run, String plan, String target, String phase, RunState state, String currentStep,
      List<StepView> steps, List<GateView> pendingGates, List<DecisionView> decisions, List<String> rollbackWouldUndo,
      String pointOfNoReturn, String lastError, List<String> notices, List<SignalAnswer> answers) {
    this(run, plan, target, phase, state, currentStep, steps, pendingGates, decisions, rollbackWouldUndo, pointOfNoReturn,
        lastError, notices, answers, null);
  }

  /** This status with another summary of its waves (the running wave's own counts added). */
  public PhaseStatus with(WaveSummary summary) {
    return new PhaseStatus(run, plan, target, phase, state, currentStep, steps, pendingGates, decisions, rollbackWouldUndo,
        pointOfNoReturn, lastError, notices, answers, summary);
  }
}
