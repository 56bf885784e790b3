package cutover.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads a phase's {@code waves:} section, reporting each problem at its position. */
final class WavesReader {
  static final List<String> FIELDS =
      List.of("keys", "canary", "size", "concurrency", "failureBudget", "approveBetween", "keysTimeout");

  private WavesReader() {}

  /** @return the waves, or null when the phase has none or they are wrong (reported) */
  static Waves read(YamlMap phase, String phaseLabel, Problems problems) {
    Node value = phase.value("waves");
    if (value == null) {
      return null;
    }
    String label = phaseLabel + " waves";
    if (!(value instanceof MappingNode mapping)) {
      problems.add(Nodes.at(phase.key("waves"), value), label + " must be a mapping, found " + Nodes.describe(value),
          "write waves: {keys: \"SELECT tenant FROM tenants ORDER BY 1\", size: 10}");
      return null;
    }
    YamlMap map = new YamlMap(mapping, problems);
    YamlStepFields fields = new YamlStepFields(map, null, label, problems, Map.of(), null);
    String keys = fields.requiredString("keys", "give a read-only query whose first column lists the keys, e.g. "
        + "keys: \"SELECT tenant_id FROM tenants ORDER BY 1\"");
    List<String> canaryKeys = new ArrayList<>();
    int canaryCount = canary(map, label, problems, canaryKeys);
    Integer size = fields.optionalInteger("size", 1, Waves.MAX_SIZE, Waves.DEFAULT_SIZE);
    Integer concurrency = fields.optionalInteger("concurrency", 1, Waves.MAX_CONCURRENCY, 1);
    Integer budget = fields.optionalInteger("failureBudget", 0, Waves.MAX_KEYS, 0);
    boolean approve = fields.optionalBoolean("approveBetween", false);
    Duration timeout = fields.optionalDuration("keysTimeout", Waves.DEFAULT_KEYS_TIMEOUT);
    if (timeout != null && (timeout.isZero() || timeout.compareTo(Duration.ofHours(1)) > 0)) {
      fields.problem("keysTimeout", label + ": keysTimeout must be more than 0 and at most 1h",
          "write e.g. keysTimeout: 30s (the default)");
    }
    if (canaryCount > 0 && size != null && canaryCount > Waves.MAX_SIZE) {
      problems.add(map.valueOrKey("canary"), label + ": canary: " + canaryCount + " is more than " + Waves.MAX_SIZE
          + " keys", "canary keys run as one wave: name a few keys or a small count");
    }
    map.reportUnknown(problems, label, FIELDS);
    if (keys == null || size == null || concurrency == null || budget == null || timeout == null || canaryCount < 0) {
      return null;
    }
    return new Waves(keys, canaryKeys, canaryCount, size, concurrency, budget, approve, timeout);
  }

  /**
   * {@code canary: [t1, t2]} (keys, in order) or {@code canary: 2} (the first two keys).
   *
   * @return the count, 0 for named keys or none, -1 when wrong (reported)
   */
  private static int canary(YamlMap map, String label, Problems problems, List<String> named) {
    Node value = map.value("canary");
    if (value == null) {
      return 0;
    }
    String fix = "write canary: [key-1, key-2] (keys run first) or canary: 2 (the first two keys)";
    if (Nodes.isInteger(value)) {
      long count = Nodes.integerValue(value).longValue();
      if (count < 1) {
        problems.add(value, label + ": canary: must be at least 1", fix);
        return -1;
      }
      return (int) Math.min(count, Integer.MAX_VALUE);
    }
    if (!(value instanceof SequenceNode sequence) || sequence.getValue().isEmpty()) {
      problems.add(Nodes.at(map.key("canary"), value), label + ": canary must be a list of keys or a count, found "
          + (value instanceof SequenceNode ? "an empty list" : Nodes.describe(value)), fix);
      return -1;
    }
    Set<String> seen = new LinkedHashSet<>();
    boolean ok = true;
    for (Node item : sequence.getValue()) {
      if (!(item instanceof ScalarNode) || Nodes.isNull(item) || Nodes.text(item).isBlank()) {
        problems.add(item, label + ": every canary key must be a value, found " + Nodes.describe(item), fix);
        ok = false;
      } else if (!seen.add(Nodes.text(item))) {
        problems.add(item, label + ": canary key '" + Nodes.shorten(Nodes.text(item)) + "' is named twice",
            "name each canary key once");
        ok = false;
      } else if (Nodes.text(item).length() > Waves.MAX_KEY_LENGTH) {
        problems.add(item, label + ": canary key is longer than " + Waves.MAX_KEY_LENGTH + " characters",
            "keys name ledger rows and workflows: use a short key such as the tenant's id");
        ok = false;
      }
    }
    named.addAll(seen);
    return ok ? 0 : -1;
  }
}
