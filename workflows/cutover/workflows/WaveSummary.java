package cutover.workflows;

import java.util.List;

/**
 * What status shows of a wave phase, in a few lines however many keys it has: counts by state,
 * the wave running (its own {@code status} query has its running keys), the last waves ended,
 * and the first failed keys with why.
 *
 * @param waiting keys not started yet (pending), untouched by the phase
 * @param currentWave the wave running or waiting for its approval, or null
 * @param currentWaveWorkflowId the running wave's workflow, whose status names the keys running now
 * @param recentWaves the last waves that ended, oldest first (at most {@value TenantWaves#RECENT_WAVES})
 * @param failedKeys the first keys that failed (at most {@value TenantWaves#FAILED_SHOWN}), with why
 * @param failedNotShown how many more failed keys there are
 */
public record WaveSummary(
    int keys,
    int done,
    int running,
    int failed,
    int rolledBack,
    int waiting,
    int failureBudget,
    int waves,
    int wavesEnded,
    WaveLine currentWave,
    String currentWaveWorkflowId,
    List<WaveLine> recentWaves,
    List<KeyFailure> failedKeys,
    int failedNotShown) {

  /** One wave: its keys by state. */
  public record WaveLine(int number, String label, String state, int keys, int done, int running, int failed,
      int rolledBack, int waiting) {}

  /** A key that failed, at which keyed step, and why. */
  public record KeyFailure(String key, String step, String error) {}
}
