package cutover.workflows;

import cutover.plan.PlanStep;

/**
 * A step as the status query shows it.
 *
 * @param state pending, running, waiting, completed, failed, compensating, compensated
 */
public record StepView(
    String id, String kind, String phase, String state, String outcome, Integer attempts, Long millis, boolean pointOfNoReturn) {

  static StepView pending(String phase, PlanStep step) {
    return new StepView(step.id(), step.kind(), phase, "pending", null, null, null, step.pointOfNoReturn());
  }

  StepView with(String newState, String newOutcome) {
    return new StepView(id, kind, phase, newState, newOutcome, attempts, millis, pointOfNoReturn);
  }

  StepView with(String newState, String newOutcome, Integer newAttempts, Long newMillis) {
    return new StepView(id, kind, phase, newState, newOutcome, newAttempts, newMillis, pointOfNoReturn);
  }
}
