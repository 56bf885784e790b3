package cutover.activities.lint;

import java.io.StringReader;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Where each step's fields are in the plan file, so that a finding points at the field, and a
 * finding about one statement of {@code sql:} at that statement's line. Read from the same YAML
 * the parser read (the plan is valid by then).
 */
public final class PlanPositions {
  /** A 1-based position in the plan file. */
  public record Position(int line, int column) {}

  private final String[] lines;
  private final Map<String, Map<String, NodeTuple>> steps = new HashMap<>();

  private PlanPositions(String yaml) {
    this.lines = yaml.split("\n", -1);
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
    } catch (RuntimeException unreadable) {
      return;
    }
    Node phases = root instanceof MappingNode map ? field(map, "phases") : null;
    if (!(phases instanceof SequenceNode phaseList)) {
      return;
    }
    for (Node phase : phaseList.getValue()) {
      Node stepList = phase instanceof MappingNode map ? field(map, "steps") : null;
      if (stepList instanceof SequenceNode sequence) {
        for (Node step : sequence.getValue()) {
          if (step instanceof MappingNode map && field(map, "id") instanceof ScalarNode id) {
            Map<String, NodeTuple> fields = new HashMap<>();
            map.getValue().forEach(t -> fields.put(((ScalarNode) t.getKeyNode()).getValue(), t));
            steps.put(id.getValue(), fields);
          }
        }
      }
    }
  }

  public static PlanPositions of(String yaml) {
    return new PlanPositions(yaml == null ? "" : yaml);
  }

  private static Node field(MappingNode map, String name) {
    for (NodeTuple tuple : map.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equals(name)) {
        return tuple.getValueNode();
      }
    }
    return null;
  }

  /** The key of {@code field} in the step, else the step's id, else line {@code fallbackLine}. */
  public Position field(String stepId, String field, int fallbackLine) {
    Map<String, NodeTuple> fields = steps.get(stepId);
    NodeTuple tuple = fields == null ? null : fields.getOrDefault(field, fields.get("id"));
    if (tuple == null) {
      return new Position(Math.max(1, fallbackLine), 1);
    }
    Node key = tuple.getKeyNode();
    return new Position(key.getStartMark().getLine() + 1, key.getStartMark().getColumn() + 1);
  }

  /**
   * Where a position in a step's SQL text ({@code field}: sql, compensate) is in the file: exact
   * for a block scalar ({@code |}), the value's start for other styles.
   */
  public Position inText(String stepId, String field, int sqlLine, int sqlColumn, int fallbackLine) {
    Map<String, NodeTuple> fields = steps.get(stepId);
    NodeTuple tuple = fields == null ? null : fields.get(field);
    if (tuple == null || !(tuple.getValueNode() instanceof ScalarNode value)) {
      return field(stepId, field, fallbackLine);
    }
    int valueLine = value.getStartMark().getLine(); // 0-based
    if (value.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL) {
      int first = valueLine + 1;
      while (first < lines.length && lines[first].isBlank()) {
        first++;
      }
      int indent = first < lines.length ? lines[first].length() - lines[first].stripLeading().length() : 0;
      return new Position(valueLine + 1 + sqlLine, indent + sqlColumn);
    }
    if (sqlLine == 1) {
      return new Position(valueLine + 1, value.getStartMark().getColumn() + sqlColumn);
    }
    return new Position(valueLine + 1, value.getStartMark().getColumn() + 1);
  }
}
