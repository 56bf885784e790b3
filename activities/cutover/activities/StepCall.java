package cutover.activities;

import cutover.plan.PlanStep;

/**
 * Apply or compensate one step of a run. Carries the target's name, never its connection.
 *
 * @param allowFixes the run was started with fixes allowed: a check may run its {@code fix:} SQL
 */
public record StepCall(String target, String runId, String phase, PlanStep step, boolean allowFixes) {

  public StepCall(String target, String runId, String phase, PlanStep step) {
    this(target, runId, phase, step, false);
  }
}
