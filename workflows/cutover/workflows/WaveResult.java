package cutover.workflows;

import java.util.List;

/**
 * How a wave ended: the outcome of each key that started, in the order they ended; keys not in it
 * were not started (the budget ran out, or the wave was stopped).
 */
public record WaveResult(List<KeyOutcome> outcomes, boolean stopped) {

  public WaveResult {
    outcomes = outcomes == null ? List.of() : List.copyOf(outcomes);
  }
}
