package cutover.activities;

import cutover.plan.PlanStep;

/** Apply or compensate one step of a run. Carries the target's name, never its connection. */
public record StepCall(String target, String runId, String phase, PlanStep step) {}
