package cutover.workflows;

import cutover.activities.steps.GateView;
import java.util.List;

/**
 * The answer of a phase's {@code status} query.
 *
 * @param rollbackWouldUndo the steps a rollback of this phase would compensate, in the order it would
 * @param pointOfNoReturn the completed step after which rollback is refused, or null
 * @param answers how this phase answered the latest signals, oldest first
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
    List<SignalAnswer> answers) {}
