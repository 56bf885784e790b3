package cutover.activities.waves;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** What a wave phase reads from its target. */
@ActivityInterface
public interface WaveActivities {

  /**
   * Runs the phase's key query in a read-only transaction with its timeout; the workflow records
   * the answer once, so a replay or a restart never sees a changed set. Fails (not retried) when a
   * key is null, blank, too long or listed twice, or when there are too many.
   */
  @ActivityMethod(name = "ListWaveKeys")
  WaveKeys keys(WaveKeysCall call);
}
