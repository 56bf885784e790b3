package cutover.activities.waves;

import java.util.List;

/** The keys a wave phase's query listed, in its order, each once. */
public record WaveKeys(List<String> keys) {

  public WaveKeys {
    keys = keys == null ? List.of() : List.copyOf(keys);
  }
}
