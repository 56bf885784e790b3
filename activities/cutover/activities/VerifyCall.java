package cutover.activities;

import cutover.plan.PlanStep;

/**
 * One repetition of a verification by a soak: the step is run, its report kept with the
 * iteration number, and nothing is recorded as applied, so the next repetition runs again.
 */
public record VerifyCall(String target, String runId, String phase, PlanStep step, int iteration) {}
