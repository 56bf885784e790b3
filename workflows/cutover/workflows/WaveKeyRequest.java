package cutover.workflows;

import cutover.plan.PlanStep;
import java.util.List;

/**
 * One key of a wave phase: the phase's steps, applied or compensated for that key. Started by a
 * {@link WaveWorkflow} with the id {@code <run>/<phase>/<key>}.
 */
public record WaveKeyRequest(String target, String run, String phase, String key, List<PlanStep> steps,
    boolean allowFixes, WaveAction action) {

  public WaveKeyRequest {
    steps = steps == null ? List.of() : List.copyOf(steps);
  }
}
