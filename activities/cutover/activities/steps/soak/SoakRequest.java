package cutover.activities.steps.soak;

import cutover.plan.PlanStep;

/**
 * Where a soak stands, all a run of {@link SoakWorkflow} needs to go on from there: the first run
 * gets it from the phase, each continue-as-new carries it on.
 *
 * @param verification the step each check runs (the soak's check, parity or http, under the soak's id)
 * @param phaseWorkflowId the phase that holds the gate, which hears of the soak's progress
 * @param cleanSinceMillis when the soak started: every check since passed
 * @param endsAtMillis when it has held long enough; later by the time it was paused
 * @param checksDone the checks passed so far
 * @param reportEvery how many checks between progress reports to the phase
 */
public record SoakRequest(String target, String run, String phase, PlanStep verification, String phaseWorkflowId,
    long everyMillis, long cleanSinceMillis, long endsAtMillis, int checksDone, int reportEvery) {

  /** Activities (each one check, or an hour of frequent ones) per run before it continues as new: about 11 history events each. */
  public static final int CALLS_PER_RUN = 200;

  /** The progress reports a whole soak sends the phase, at most: a few events each in the phase's history. */
  static final int REPORTS = 100;

  public SoakRequest after(int checks, long endsAt) {
    return new SoakRequest(target, run, phase, verification, phaseWorkflowId, everyMillis, cleanSinceMillis, endsAt,
        checks, reportEvery);
  }

  /** The request that starts a soak: its checks, spread so that it reports to the phase {@link #REPORTS} times. */
  static SoakRequest first(String target, String run, String phase, PlanStep verification, String phaseWorkflowId,
      long everyMillis, long startedAtMillis, long lengthMillis) {
    long checks = lengthMillis / Math.max(1, everyMillis) + 1;
    int reportEvery = (int) Math.max(1, Math.min(Integer.MAX_VALUE, checks / REPORTS));
    return new SoakRequest(target, run, phase, verification, phaseWorkflowId, everyMillis, startedAtMillis,
        startedAtMillis + lengthMillis, 0, reportEvery);
  }
}
