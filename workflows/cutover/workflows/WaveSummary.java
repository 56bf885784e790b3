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

  /**
   * This summary with the running wave's own counts, which the phase learns only when the wave
   * ends: its keys done, failed, running and not started yet.
   */
  public WaveSummary with(WaveProgress wave) {
    if (wave == null || currentWave == null || wave.label() == null) {
      return this;
    }
    if (wave.action() == WaveAction.COMPENSATE) {
      return new WaveSummary(keys, done - wave.done(), running, failed, rolledBack + wave.done(), waiting, failureBudget,
          waves, wavesEnded, currentWave, currentWaveWorkflowId, recentWaves, failedKeys, failedNotShown);
    }
    int stillRunning = wave.running().size();
    WaveLine line = new WaveLine(currentWave.number(), currentWave.label(), currentWave.state(), currentWave.keys(),
        currentWave.done() + wave.done(), stillRunning, currentWave.failed() + wave.failed(), currentWave.rolledBack(),
        currentWave.waiting() + wave.pending());
    return new WaveSummary(keys, done + wave.done(), running - wave.done() - wave.failed() - wave.pending(),
        failed + wave.failed(), rolledBack, waiting + wave.pending(), failureBudget, waves, wavesEnded, line,
        currentWaveWorkflowId, recentWaves, failedKeys, failedNotShown);
  }

  /** One wave: its keys by state. */
  public record WaveLine(int number, String label, String state, int keys, int done, int running, int failed,
      int rolledBack, int waiting) {}

  /** A key that failed, at which keyed step, and why. */
  public record KeyFailure(String key, String step, String error) {}
}
