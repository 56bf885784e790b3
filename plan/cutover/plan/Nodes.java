package cutover.plan;

import java.math.BigInteger;
import java.util.Locale;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Small helpers over SnakeYAML nodes: types, values and words for messages. */
final class Nodes {
  private Nodes() {}

  /** {@code key:} with nothing after it, or {@code ~} / {@code null}. */
  static boolean isNull(Node node) {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  static boolean isString(Node node) {
    return node instanceof ScalarNode && Tag.STR.equals(node.getTag());
  }

  static boolean isBoolean(Node node) {
    return node instanceof ScalarNode && Tag.BOOL.equals(node.getTag());
  }

  static boolean isInteger(Node node) {
    return node instanceof ScalarNode && Tag.INT.equals(node.getTag());
  }

  static String text(Node node) {
    return ((ScalarNode) node).getValue();
  }

  /** Where to point for a problem with a value: at the value, or at its key when the value is empty. */
  static Node at(Node key, Node value) {
    return value == null || (isNull(value) && key != null) ? key : value;
  }

  /** The value of a scalar the YAML 1.1 resolver tagged as a boolean (true/false, yes/no, on/off). */
  static boolean booleanValue(Node node) {
    String value = text(node).toLowerCase(Locale.ROOT);
    return value.equals("true") || value.equals("yes") || value.equals("on");
  }

  /**
   * The value of a scalar the resolver tagged as an integer: decimal, 0x hex, 0o / leading-zero
   * octal, 0b binary or sexagesimal (1:30), with optional sign and underscores.
   */
  static BigInteger integerValue(Node node) {
    String value = text(node).replace("_", "");
    boolean negative = value.startsWith("-");
    if (value.startsWith("-") || value.startsWith("+")) {
      value = value.substring(1);
    }
    BigInteger result;
    if (value.contains(":")) {
      result = BigInteger.ZERO;
      for (String part : value.split(":")) {
        result = result.multiply(BigInteger.valueOf(60)).add(new BigInteger(part));
      }
    } else if (value.startsWith("0x") || value.startsWith("0X")) {
      result = new BigInteger(value.substring(2), 16);
    } else if (value.startsWith("0b") || value.startsWith("0B")) {
      result = new BigInteger(value.substring(2), 2);
    } else if (value.startsWith("0o") || value.startsWith("0O")) {
      result = new BigInteger(value.substring(2), 8);
    } else if (value.length() > 1 && value.startsWith("0")) {
      result = new BigInteger(value.substring(1), 8);
    } else {
      result = new BigInteger(value);
    }
    return negative ? result.negate() : result;
  }

  /** What a node is, in words, for "expected X, found Y" messages. */
  static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (!(node instanceof ScalarNode scalar)) {
      return "an unexpected node";
    }
    Tag tag = scalar.getTag();
    String value = shorten(scalar.getValue());
    if (Tag.NULL.equals(tag)) {
      return "no value";
    }
    if (Tag.STR.equals(tag)) {
      return "the text '" + value + "'";
    }
    if (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)) {
      return "the number " + value;
    }
    if (Tag.BOOL.equals(tag)) {
      return "the boolean " + value;
    }
    if (Tag.TIMESTAMP.equals(tag)) {
      return "the date " + value;
    }
    return "a value tagged " + tag.getValue();
  }

  /** How to turn a wrongly typed value into the text expected. */
  static String quoteFix(String field, Node node) {
    if (node instanceof ScalarNode scalar && !isNull(node)) {
      return "put it in quotes: " + field + ": \"" + shorten(scalar.getValue()) + "\"";
    }
    return "give " + field + ": a single text value";
  }

  /** The first line of a value, at most 40 characters, for messages. */
  static String shorten(String value) {
    String line = value.strip();
    int newline = line.indexOf('\n');
    boolean cut = false;
    if (newline >= 0) {
      line = line.substring(0, newline).strip();
      cut = true;
    }
    if (line.length() > 40) {
      line = line.substring(0, 40);
      cut = true;
    }
    return cut ? line + "…" : line;
  }
}
