package cutover.workflows;

import cutover.plan.PlanStep;
import java.util.List;

/**
 * One wave of a wave phase: its keys, each run as a {@link WaveKeyWorkflow}, at most
 * {@code concurrency} at once.
 *
 * @param label how status names the wave: {@code canary}, {@code wave 3}, {@code retry 1}, {@code undo 2}
 * @param keySuffix ends each key workflow's id ({@code <run>/<phase>/<key><keySuffix>}): empty for a
 *     key's first apply, {@code /retry-1}, {@code /undo} and so on after, so that every id is new
 * @param failuresAllowed no key starts once more keys than this have failed
 */
public record WaveRequest(String target, String run, String phase, String label, List<PlanStep> steps,
    boolean allowFixes, WaveAction action, List<String> keys, int concurrency, int failuresAllowed, String keySuffix) {

  public WaveRequest {
    steps = steps == null ? List.of() : List.copyOf(steps);
    keys = keys == null ? List.of() : List.copyOf(keys);
    keySuffix = keySuffix == null ? "" : keySuffix;
  }
}
