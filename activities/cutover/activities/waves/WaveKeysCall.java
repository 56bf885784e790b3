package cutover.activities.waves;

import java.time.Duration;

/**
 * Lists the keys of a wave phase: its {@code keys:} query, on the target.
 *
 * @param phase names the query in messages
 * @param timeout the query's statement timeout
 */
public record WaveKeysCall(String target, String runId, String phase, String query, Duration timeout) {}
