package cutover.plan;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML mapping of a plan, keyed by name. Reports duplicate and non-name keys when built
 * (keeping the first occurrence), remembers which keys were read, and reports the rest as
 * unknown fields.
 */
final class YamlMap {
  private final MappingNode node;
  private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
  private final Set<String> read = new LinkedHashSet<>();

  YamlMap(MappingNode node, Problems problems) {
    this.node = node;
    for (NodeTuple tuple : node.getValue()) {
      Node key = tuple.getKeyNode();
      if (!(key instanceof ScalarNode scalar) || Nodes.isNull(key)) {
        problems.add(key, "a key must be a field name, found " + Nodes.describe(key),
            "write the field name followed by ':', e.g. name: my-plan");
        continue;
      }
      if (Tag.MERGE.equals(key.getTag())) {
        problems.add(key, "YAML merge keys (<<) are not supported in plans", "write the fields out in full");
        continue;
      }
      String name = scalar.getValue();
      NodeTuple first = entries.get(name);
      if (first != null) {
        problems.add(key, "duplicate key '" + name + "' (first at line " + line(first.getKeyNode()) + ")",
            "remove or rename one of the two '" + name + ":' entries; a key may appear once per mapping");
        continue;
      }
      entries.put(name, tuple);
    }
  }

  static int line(Node node) {
    return node.getStartMark().getLine() + 1;
  }

  MappingNode node() {
    return node;
  }

  boolean has(String key) {
    return entries.containsKey(key);
  }

  /** The value of {@code key}, or null when absent; reading declares the key known. */
  Node value(String key) {
    read.add(key);
    return peek(key);
  }

  /** The value of {@code key} without declaring it. */
  Node peek(String key) {
    NodeTuple tuple = entries.get(key);
    return tuple == null ? null : tuple.getValueNode();
  }

  Node key(String key) {
    NodeTuple tuple = entries.get(key);
    return tuple == null ? null : tuple.getKeyNode();
  }

  /** Where to point for a problem with {@code key}'s value (its key when the value is empty). */
  Node valueOrKey(String key) {
    return Nodes.at(key(key), peek(key));
  }

  List<String> keys() {
    return List.copyOf(entries.keySet());
  }

  /** Every key read so far, present or not, in the order first read: the fields known here. */
  List<String> declared() {
    return List.copyOf(read);
  }

  void readAll() {
    read.addAll(entries.keySet());
  }

  /** Reports each key nobody read, suggesting the closest of {@code known}. */
  void reportUnknown(Problems problems, String where, Collection<String> known) {
    for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
      String name = entry.getKey();
      if (read.contains(name)) {
        continue;
      }
      String closest = Names.closest(name, known);
      String fix = closest != null
          ? "did you mean '" + closest + "'?"
          : "remove it; the fields allowed here are: " + String.join(", ", known);
      problems.add(entry.getValue().getKeyNode(), "unknown field '" + name + "' in " + where, fix);
    }
  }
}
