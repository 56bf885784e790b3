package cutover.plan;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * {@link StepFields} over one step's YAML mapping. Every reader declares its field and reports a
 * bad value at the value's position (at the key when the value is empty). An absent optional
 * field yields the fallback (null for strings and lists).
 */
final class YamlStepFields implements StepFields {
  private static final String GIVE_VALUE = "give it a value or remove the line";

  private final YamlMap map;
  private final String stepId;
  private final String label;
  private final Problems problems;
  private final StepTargets targets;
  private final List<YamlStepFields> sections = new ArrayList<>();
  private final Map<String, String> earlierKinds;

  /**
   * The targets a step may name besides its plan's own.
   *
   * @param known the targets configured on the worker, or null to accept any name
   * @param plan the plan's own target, or null when the plan gives none
   */
  record StepTargets(java.util.Set<String> known, String plan) {
    static final StepTargets ANY = new StepTargets(null, null);
  }

  /**
   * @param stepId the step's id, or null when it has none
   * @param label how messages name the step, e.g. {@code step 'create-table'}
   * @param earlierKinds the kinds of the steps written before this one, by id
   */
  YamlStepFields(YamlMap map, String stepId, String label, Problems problems, Map<String, String> earlierKinds,
      StepTargets targets) {
    this.map = map;
    this.stepId = stepId;
    this.label = label;
    this.problems = problems;
    this.earlierKinds = earlierKinds;
    this.targets = targets == null ? StepTargets.ANY : targets;
  }

  @Override
  public Optional<String> earlierStepKind(String id) {
    return Optional.ofNullable(id == null ? null : earlierKinds.get(id));
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
    return text;
  }

  @Override
  public String optionalString(String field) {
    Node value = present(field);
    return value == null ? null : string(field, value);
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
      return Durations.parse(Nodes.text(value));
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
    return number.intValueExact();
  }

  @Override
  public Boolean optionalBoolean(String field) {
    if (!map.has(field)) {
      map.value(field);
      return null;
    }
    Node value = present(field);
    if (value == null) {
      return null;
    }
    if (!Nodes.isBoolean(value)) {
      problems.add(value, label + ": " + field + " must be true or false, found " + Nodes.describe(value),
          "write " + field + ": true or " + field + ": false");
      return null;
    }
    return Nodes.booleanValue(value);
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
    return Nodes.booleanValue(value);
  }

  @Override
  public boolean writtenAsBoolean(String field) {
    Node value = map.peek(field);
    return value != null && Nodes.isBoolean(value);
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
      return List.of(text);
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
    return ok ? List.copyOf(items) : null;
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
    return ok ? result : null;
  }

  @Override
  public boolean declaresUndo() {
    Node irreversible = map.peek("irreversible");
    return map.has("compensate")
        || irreversible != null && Nodes.isBoolean(irreversible) && Nodes.booleanValue(irreversible);
  }

  @Override
  public boolean declaresIrreversible() {
    Node irreversible = map.peek("irreversible");
    return irreversible != null && Nodes.isBoolean(irreversible) && Nodes.booleanValue(irreversible);
  }

  @Override
  public boolean describes() {
    Node description = map.peek("description");
    return description != null && Nodes.isString(description) && !Nodes.text(description).isBlank();
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
        problems, earlierKinds, targets);
    sections.add(section);
    return section;
  }

  @Override
  public String optionalOtherTarget(String field) {
    Node value = present(field);
    String name = value == null ? null : string(field, value);
    if (name == null) {
      return null;
    }
    name = name.strip();
    if (name.equals(targets.plan())) {
      problems.add(value, label + ": " + field + ": '" + name + "' is the plan's own target",
          "remove " + field + ": (the step reads its own target by default), or name another target");
    } else if (targets.known() != null && !targets.known().contains(name)) {
      java.util.TreeSet<String> names = new java.util.TreeSet<>(targets.known());
      String closest = Names.closest(name, names);
      problems.add(value, label + ": " + field + ": unknown target '" + name + "'",
          (closest != null ? "did you mean '" + closest + "'? " : "")
              + (names.isEmpty() ? "no targets are configured on the worker" : "configured targets: "
                  + String.join(", ", names)) + "; the worker of the plan's target must know this one too");
    }
    return name;
  }

  @Override
  public <E extends Enum<E>> E optionalChoice(String field, Class<E> choices, E fallback) {
    if (!map.has(field)) {
      map.value(field);
      return fallback;
    }
    Node value = present(field);
    if (value == null) {
      return null;
    }
    List<String> names = java.util.Arrays.stream(choices.getEnumConstants()).map(StepFields::choiceName).toList();
    String text = Nodes.isString(value) ? Nodes.text(value).strip() : null;
    for (E choice : choices.getEnumConstants()) {
      if (StepFields.choiceName(choice).equals(text)) {
        return choice;
      }
    }
    problems.add(value, label + ": " + field + " must be one of " + String.join(", ", names) + ", found "
        + Nodes.describe(value), "write " + field + ": " + names.get(0) + " (or another of " + String.join(", ", names)
        + ")");
    return null;
  }

  /** Called once the kind has read its fields: fields of nested sections that no one read are reported here. */
  void finish() {
    for (YamlStepFields section : sections) {
      section.finish();
      section.map.reportUnknown(problems, section.label, section.map.declared());
    }
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

}
