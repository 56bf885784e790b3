package cutover.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.math.BigDecimal;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML document as the JSON a schema validator sees, typed by the tags SnakeYAML's resolver
 * gives when the parser composes the file (so yes / no are booleans, as the parser reads them).
 */
final class YamlTree {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private YamlTree() {}

  static JsonNode read(String yaml) {
    Node root = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
    return root == null ? JSON.nullNode() : json(root);
  }

  private static JsonNode json(Node node) {
    if (node instanceof MappingNode mapping) {
      ObjectNode object = JSON.objectNode();
      for (NodeTuple tuple : mapping.getValue()) {
        object.set(Nodes.text(tuple.getKeyNode()), json(tuple.getValueNode()));
      }
      return object;
    }
    if (node instanceof SequenceNode sequence) {
      ArrayNode array = JSON.arrayNode();
      sequence.getValue().forEach(item -> array.add(json(item)));
      return array;
    }
    Tag tag = node.getTag();
    if (Tag.NULL.equals(tag)) {
      return JSON.nullNode();
    } else if (Tag.BOOL.equals(tag)) {
      return JSON.booleanNode(Nodes.booleanValue(node));
    } else if (Tag.INT.equals(tag)) {
      return JSON.numberNode(Nodes.integerValue(node));
    } else if (Tag.FLOAT.equals(tag) && Nodes.text(node).matches("[-+]?[0-9_.]+([eE][-+]?[0-9]+)?")) {
      return JSON.numberNode(new BigDecimal(Nodes.text(node).replace("_", "")));
    }
    return JSON.textNode(Nodes.text(node)); // text, timestamps, .inf / .nan
  }
}
