package cutover.plan;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * {@link StepFields} over one step's YAML mapping. Every reader declares its field, reports a
 * bad value at the value's position (at the key when the value is empty), and keeps the values
 * it accepted, normalised, for {@link PlanStep#spec()}. An absent optional field yields the
 * fallback (null for strings and lists) and leaves nothing in the spec.
 */
final class YamlStepFields implements StepFields {
  private static final String GIVE_VALUE = "give it a value or remove the line";

  private final YamlMap map;
  private final String stepId;
  private final String label;
  private final Problems problems;
  private final Map<String, Object> accepted = new HashMap<>();
  private final Map<String, YamlStepFields> sections = new HashMap<>();

  /**
   * @param stepId the step's id, or null when it has none
   * @param label how messages name the step, e.g. {@code step 'create-table'}
   */
  YamlStepFields(YamlMap map, String stepId, String label, Problems problems) {
    this.map = map;
    this.stepId = stepId;
    this.label = label;
    this.problems = problems;
  }

  @Override
  public String stepId() {
    return stepId != null ? stepId : label;
  }

  @Override
  public String requiredString(String field, String fix) {
    Node value = map.value(field);
    if (value == null) {
      problems.add(map.node(), label + " has no " + field + ":", fix);
      return null;
    }
    if (Nodes.isNull(value)) {
      problems.add(map.key(field), label + ": " + field + ": is empty", fix);
      return null;
    }
    String text = string(field, value);
    if (text != null && text.isBlank()) {
      problems.add(value, label + ": " + field + ": is blank", fix);
      return null;
    }
    return keep(field, text);
  }

  @Override
  public String optionalString(String field) {
    Node value = present(field);
    return value == null ? null : keep(field, string(field, value));
  }

  @Override
  public Duration optionalDuration(String field, Duration fallback) {
    if (!map.has(field)) {
      map.value(field);
      return fallback;
    }
    Node value = present(field);
    if (value == null) {
      return null;
    }
    if (Nodes.isInteger(value) && Nodes.integerValue(value).signum() == 0) {
      keep(field, Duration.ZERO.toString());
      return Duration.ZERO;
    }
    if (Nodes.isInteger(value)) {
      String number = Nodes.text(value);
      problems.add(value, label + ": " + field + ": " + number + " has no unit",
          "add a unit, e.g. " + number + "s or " + number + "ms; " + Durations.FORMS);
      return null;
    }
    if (!Nodes.isString(value)) {
      problems.add(value, label + ": " + field + " must be a duration, found " + Nodes.describe(value), Durations.FORMS);
      return null;
    }
    try {
      Duration duration = Durations.parse(Nodes.text(value));
      keep(field, duration.toString());
      return duration;
    } catch (Durations.BadDuration e) {
      problems.add(value, label + ": " + field + " '" + Nodes.shorten(Nodes.text(value)) + "' " + e.getMessage(),
          Durations.FORMS);
      return null;
    }
  }

  @Override
  public Integer optionalInteger(String field, int min, int max, Integer fallback) {
    if (!map.has(field)) {
      map.value(field);
      return fallback;
    }
    Node value = present(field);
    if (value == null) {
      return null;
    }
    String range = "between " + min + " and " + max;
    if (!Nodes.isInteger(value)) {
      String fix = Nodes.isString(value) && Nodes.text(value).strip().matches("[+-]?\\d+")
          ? "remove the quotes: " + field + ": " + Nodes.text(value).strip()
          : "write a whole number " + range;
      problems.add(value, label + ": " + field + " must be a whole number, found " + Nodes.describe(value), fix);
      return null;
    }
    BigInteger number = Nodes.integerValue(value);
    if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
      problems.add(value, label + ": " + field + " must be " + range + ", found " + number,
          "write a whole number " + range);
      return null;
    }
    return keep(field, number.intValueExact());
  }

  @Override
  public boolean optionalBoolean(String field, boolean fallback) {
    if (!map.has(field)) {
      map.value(field);
      return fallback;
    }
    Node value = present(field);
    if (value == null) {
      return fallback;
    }
    if (!Nodes.isBoolean(value)) {
      problems.add(value, label + ": " + field + " must be true or false, found " + Nodes.describe(value),
          "write " + field + ": true or " + field + ": false");
      return fallback;
    }
    return keep(field, Nodes.booleanValue(value));
  }

  @Override
  public List<String> optionalStringList(String field) {
    Node value = present(field);
    if (value == null) {
      return null;
    }
    String fix = "write a list of names, e.g. " + field + ": [alice, bob], or a single name";
    if (Nodes.isString(value)) {
      String text = Nodes.text(value);
      if (text.isBlank()) {
        problems.add(value, label + ": " + field + ": is blank", fix);
        return null;
      }
      return keep(field, List.of(text));
    }
    if (!(value instanceof SequenceNode sequence)) {
      problems.add(value, label + ": " + field + " must be a list of text, found " + Nodes.describe(value), fix);
      return null;
    }
    List<String> items = new ArrayList<>();
    boolean ok = true;
    for (Node item : sequence.getValue()) {
      if (!Nodes.isString(item) || Nodes.text(item).isBlank()) {
        String found = Nodes.isString(item) ? "blank text" : Nodes.describe(item);
        problems.add(item, label + ": every item of " + field + " must be text, found " + found,
            item instanceof ScalarNode && !Nodes.isNull(item) && !Nodes.isString(item)
                ? "put it in quotes: \"" + Nodes.shorten(Nodes.text(item)) + "\""
                : fix);
        ok = false;
      } else {
        items.add(Nodes.text(item));
      }
    }
    return ok ? keep(field, List.copyOf(items)) : null;
  }

  @Override
  public Map<String, String> optionalStringMap(String field) {
    Node value = present(field);
    if (value == null) {
      return null;
    }
    String fix = "write one `name: expression` per line under " + field + ":";
    if (!(value instanceof MappingNode mapping)) {
      problems.add(value, label + ": " + field + " must be a mapping of names to text, found " + Nodes.describe(value),
          fix);
      return null;
    }
    YamlMap entries = new YamlMap(mapping, problems);
    LinkedHashMap<String, String> result = new LinkedHashMap<>();
    boolean ok = true;
    for (String key : entries.keys()) {
      Node item = entries.value(key);
      if (Nodes.isNull(item) && !Nodes.text(item).isBlank()) {
        result.put(key, "NULL"); // `null`, `NULL` or `~`: SQL's NULL
      } else if (Nodes.isNull(item) || !(item instanceof ScalarNode)) {
        problems.add(Nodes.at(entries.key(key), item), label + ": " + field + "." + key + " must be text, found "
            + (Nodes.isNull(item) ? "nothing" : Nodes.describe(item)), fix);
        ok = false;
      } else if (Nodes.text(item).isBlank()) {
        problems.add(item, label + ": " + field + "." + key + " is blank", fix);
        ok = false;
      } else {
        result.put(key, Nodes.text(item));
      }
    }
    if (ok && result.isEmpty()) {
      problems.add(value, label + ": " + field + " is empty", fix);
      return null;
    }
    return ok ? keep(field, result) : null;
  }

  @Override
  public boolean declaresUndo() {
    Node irreversible = map.peek("irreversible");
    return map.has("compensate")
        || irreversible != null && Nodes.isBoolean(irreversible) && Nodes.booleanValue(irreversible);
  }

  @Override
  public void problem(String field, String message, String fix) {
    Node at = map.has(field) ? map.valueOrKey(field) : map.node();
    problems.add(at, label + ": " + message, fix);
  }

  @Override
  public BigDecimal optionalNumber(String field) {
    Node value = present(field);
    if (value == null) {
      return null;
    }
    boolean numeric = Nodes.isInteger(value) || (value instanceof ScalarNode && Tag.FLOAT.equals(value.getTag()));
    if (numeric) {
      try {
        BigDecimal number = Nodes.isInteger(value)
            ? new BigDecimal(Nodes.integerValue(value))
            : new BigDecimal(Nodes.text(value).replace("_", ""));
        keep(field, number.toPlainString());
        return number;
      } catch (NumberFormatException notPlain) {
        // .inf, .nan: reported below
      }
    }
    problems.add(value, label + ": " + field + " must be a number, found " + Nodes.describe(value),
        "write a number such as 0, 42 or 0.5, without quotes");
    return null;
  }

  @Override
  public StepFields optionalSection(String field) {
    Node value = present(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof MappingNode mapping)) {
      problems.add(value, label + ": " + field + " must be a mapping of fields, found " + Nodes.describe(value),
          "write its fields indented on the lines under " + field + ":");
      return null;
    }
    YamlStepFields section = new YamlStepFields(new YamlMap(mapping, problems), stepId, label + " " + field,
        problems);
    sections.put(field, section);
    return section;
  }

  /**
   * The values accepted, in the order of the step's fields in the file. Called once the kind has
   * read its fields: fields of nested sections that no one read are reported here.
   */
  LinkedHashMap<String, Object> spec() {
    LinkedHashMap<String, Object> spec = new LinkedHashMap<>();
    for (String key : map.keys()) {
      if (accepted.containsKey(key)) {
        spec.put(key, accepted.get(key));
      } else if (sections.containsKey(key)) {
        YamlStepFields section = sections.get(key);
        section.map.reportUnknown(problems, section.label, section.map.declared());
        spec.put(key, section.spec());
      }
    }
    return spec;
  }

  /** The field's value when present and not empty; reports an empty value; declares the field. */
  private Node present(String field) {
    Node value = map.value(field);
    if (value != null && Nodes.isNull(value)) {
      problems.add(map.key(field), label + ": " + field + ": has no value", GIVE_VALUE);
      return null;
    }
    return value;
  }

  private String string(String field, Node value) {
    if (!Nodes.isString(value)) {
      problems.add(value, label + ": " + field + " must be text, found " + Nodes.describe(value),
          Nodes.quoteFix(field, value));
      return null;
    }
    return Nodes.text(value);
  }

  private <T> T keep(String field, T value) {
    if (value != null) {
      accepted.put(field, value);
    }
    return value;
  }
}
