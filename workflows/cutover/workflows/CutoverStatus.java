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
 * @param instant the run's instant T given at start, or null (then T is the run's start)
 * @param instantMoments the plan's waits relative to T and when they fire, e.g. {@code T-7d = 2027-01-08T09:00:00Z (freeze)}
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
    List<SignalAnswer> answers,
    String instant,
    List<String> instantMoments) {

  public CutoverStatus {
    instantMoments = instantMoments == null ? List.of() : List.copyOf(instantMoments);
  }

  public CutoverStatus(String run, String plan, String planHash, String target, String startedBy, RunState state,
      String currentPhase, String currentPhaseWorkflowId, List<PhaseView> phases, List<StepView> compensations,
      List<String> earlierPhasesRollbackWouldUndo, String pointOfNoReturn, String lastError, List<String> notices,
      List<SignalAnswer> answers) {
    this(run, plan, planHash, target, startedBy, state, currentPhase, currentPhaseWorkflowId, phases, compensations,
        earlierPhasesRollbackWouldUndo, pointOfNoReturn, lastError, notices, answers, null, List.of());
  }

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
