package cutover.activities;

import com.fasterxml.jackson.annotation.JsonInclude;
import cutover.plan.PlanStep;

/**
 * Apply or compensate one step of a run. Carries the target's name, never its connection.
 *
 * @param allowFixes the run was started with fixes allowed: a check may run its {@code fix:} SQL
 * @param waveKey the key a wave phase's step runs for (its SQL reads {@code current_setting('cutover.key')}), or null
 */
public record StepCall(String target, String runId, String phase, PlanStep step, boolean allowFixes,
    @JsonInclude(JsonInclude.Include.NON_NULL) String waveKey) {

  public StepCall(String target, String runId, String phase, PlanStep step, boolean allowFixes) {
    this(target, runId, phase, step, allowFixes, null);
  }

  public StepCall(String target, String runId, String phase, PlanStep step) {
    this(target, runId, phase, step, false);
  }
}
