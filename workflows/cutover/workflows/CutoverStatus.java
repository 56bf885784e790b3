package cutover.workflows;

import cutover.activities.Word;
import java.util.List;

/**
 * The answer of the cutover's {@code status} query. The running phase's own status (steps, gates)
 * comes from querying {@code currentPhaseWorkflowId}.
 *
 * @param earlierPhasesRollbackWouldUndo the steps of finished phases a rollback would compensate
 *     after the running phase's own, in that order; empty once the point of no return has passed
 * @param answers how this workflow answered the latest signals, oldest first; a signal it forwards is
 *     answered by the running phase
 */
public record CutoverStatus(
    String run,
    String plan,
    String planHash,
    String target,
    String startedBy,
    RunState state,
    String currentPhase,
    String currentPhaseWorkflowId,
    List<PhaseView> phases,
    List<StepView> compensations,
    List<String> earlierPhasesRollbackWouldUndo,
    String pointOfNoReturn,
    String lastError,
    List<String> notices,
    List<SignalAnswer> answers) {

  public record PhaseView(String name, PhaseState state, String workflowId, List<StepView> steps) {}

  /** Where a phase of the cutover is; status shows its word, {@code rolled_back}. */
  public enum PhaseState implements Word {
    PENDING,
    RUNNING,
    COMPLETED,
    ROLLED_BACK;

    /** How a phase that ran ended. */
    static PhaseState of(RunState ended) {
      return ended == RunState.COMPLETED ? COMPLETED : ROLLED_BACK;
    }
  }
}
