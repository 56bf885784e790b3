package cutover.workflows;

import cutover.activities.steps.StepState;
import cutover.plan.PlanStep;

/**
 * A step as the status query shows it.
 */
public record StepView(
    String id, String kind, String phase, StepState state, String outcome, Integer attempts, Long millis, boolean pointOfNoReturn) {

  static StepView pending(String phase, PlanStep step) {
    return new StepView(step.id(), step.kind(), phase, StepState.PENDING, null, null, null, step.pointOfNoReturn());
  }

  StepView with(StepState newState, String newOutcome) {
    return new StepView(id, kind, phase, newState, newOutcome, attempts, millis, pointOfNoReturn);
  }

  StepView with(StepState newState, String newOutcome, Integer newAttempts, Long newMillis) {
    return new StepView(id, kind, phase, newState, newOutcome, newAttempts, newMillis, pointOfNoReturn);
  }
}
