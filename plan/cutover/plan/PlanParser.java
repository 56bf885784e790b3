package cutover.plan;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a plan file (YAML, or JSON) into a {@link Plan}, or reports everything wrong with it.
 *
 * <p>The file is read through SnakeYAML's node API so that every problem points at the line and
 * column of the offending key or value. Parsing does not stop at the first problem: all of them
 * are collected and thrown together, in file order, as an {@link InvalidPlanException}.
 */
public final class PlanParser {
  static final List<String> PLAN_FIELDS = List.of("name", "target", "description", "phases");
  static final List<String> PHASE_FIELDS = List.of("name", "description", "steps", "waves");
  static final List<String> STEP_FIELDS =
      List.of("id", "kind", "description", "compensate", "irreversible", "pointOfNoReturn", "lint");

  private final Problems problems;
  private final Set<String> knownTargets;
  /** The plan's target, once read: steps that name other targets are checked against it. */
  private String planTarget;
  private final StepKindCatalog kinds;
  private final Map<String, Integer> phaseLines = new HashMap<>();
  private final Map<String, Integer> stepLines = new HashMap<>();
  /** The kinds of the steps read so far, by id: what a later step may refer to. */
  private final Map<String, String> stepKinds = new HashMap<>();

  private PlanParser(String fileName, Set<String> knownTargets, StepKindCatalog kinds) {
    this.problems = new Problems(fileName == null ? "plan" : fileName);
    this.knownTargets = knownTargets;
    this.kinds = kinds;
  }

  /**
   * Parses and validates a plan.
   *
   * @param yaml the plan file's text
   * @param fileName the name used in problem positions, e.g. {@code plan.yaml}
   * @param knownTargets the target names configured on the worker, or null to accept any target
   * @param kinds the step kinds steps may use, with their fields
   * @throws InvalidPlanException listing every problem found, by line and column
   */
  public static Plan parse(String yaml, String fileName, Set<String> knownTargets, StepKindCatalog kinds)
      throws InvalidPlanException {
    PlanParser parser = new PlanParser(fileName, knownTargets, kinds);
    Plan plan = parser.plan(yaml == null ? "" : yaml);
    if (!parser.problems.isEmpty()) {
      throw new InvalidPlanException(parser.problems.sorted());
    }
    return plan;
  }

  /** The plan's version: lowercase hex SHA-256 of the text's UTF-8 bytes. */
  public static String hash(String yaml) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(yaml.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  // ---------------------------------------------------------------- plan

  private Plan plan(String yaml) {
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(new StringReader(yaml));
    } catch (MarkedYAMLException e) {
      syntaxError(e);
      return null;
    } catch (YAMLException e) {
      problems.add((Mark) null, "cannot read the plan: " + e.getMessage(), "simplify the YAML (anchors, aliases, size)");
      return null;
    }
    if (root == null || Nodes.isNull(root)) {
      problems.add((Mark) null, "the plan is empty",
          "write at least name:, target: and phases: with one phase and its steps");
      return null;
    }
    if (!(root instanceof MappingNode rootMapping)) {
      problems.add(root, "the plan must be a mapping of fields (name:, target:, phases:), found " + Nodes.describe(root),
          "start the file with `name: my-plan` on its own line, not a list or a single value");
      return null;
    }
    YamlMap top = new YamlMap(rootMapping, problems);
    String name = requiredName(top, "name", Names.Rule.PLAN, "the plan has no name:",
        "add `name: my-cutover` at the top of the file");
    String target = requiredName(top, "target", Names.Rule.TARGET, "the plan has no target:",
        "add `target: <name>` naming a target configured on the worker" + targetsHint());
    if (target != null && knownTargets != null && !knownTargets.contains(target)) {
      unknownTarget(top.peek("target"), target);
    }
    planTarget = target;
    String description = optionalText(top, "description", "");
    List<Phase> phases = phases(top);
    top.reportUnknown(problems, "the plan", PLAN_FIELDS);
    return new Plan(name, target, description, phases);
  }

  private void syntaxError(MarkedYAMLException e) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    String problem = e.getProblem() != null ? e.getProblem().strip() : "cannot parse the file";
    if (problem.contains("another document")) {
      problems.add(mark, "the file holds more than one YAML document",
          "keep one plan per file: remove the '---' separator and what follows it");
      return;
    }
    StringBuilder message = new StringBuilder("YAML syntax error: ").append(problem);
    if (e.getContext() != null) {
      message.append(" (").append(e.getContext().strip());
      if (e.getContextMark() != null && e.getContextMark() != mark) {
        message.append(" at line ").append(e.getContextMark().getLine() + 1);
      }
      message.append(')');
    }
    String fix = problem.contains("TAB")
        ? "indent with spaces, not tabs"
        : "check the indentation and quoting here; quote values that contain ': ' or start with a special character";
    problems.add(mark, message.toString(), fix);
  }

  private void unknownTarget(Node at, String target) {
    if (knownTargets.isEmpty()) {
      problems.add(at, "unknown target '" + target + "'", "no targets are configured on the worker; configure one first");
      return;
    }
    TreeSet<String> names = new TreeSet<>(knownTargets);
    String closest = Names.closest(target, names);
    problems.add(at, "unknown target '" + target + "'",
        (closest != null ? "did you mean '" + closest + "'? " : "")
            + "configured targets: " + String.join(", ", names));
  }

  private String targetsHint() {
    return knownTargets == null || knownTargets.isEmpty()
        ? ""
        : " (configured: " + String.join(", ", new TreeSet<>(knownTargets)) + ")";
  }

  // ---------------------------------------------------------------- phases

  private List<Phase> phases(YamlMap top) {
    List<Phase> phases = new ArrayList<>();
    Node value = top.value("phases");
    String fix = "add phases: with at least one phase, e.g. `- name: introduce` with its steps:";
    if (value == null) {
      problems.add(top.node(), "the plan has no phases:", fix);
    } else if (Nodes.isNull(value)) {
      problems.add(top.key("phases"), "the plan has no phases", fix);
    } else if (!(value instanceof SequenceNode sequence)) {
      problems.add(value, "phases must be a list of phases, found " + Nodes.describe(value),
          "write each phase as a list item starting with `- name: ...`");
    } else if (sequence.getValue().isEmpty()) {
      problems.add(value, "the plan has no phases", fix);
    } else {
      int number = 0;
      for (Node item : sequence.getValue()) {
        Phase phase = phase(item, ++number);
        if (phase != null) {
          phases.add(phase);
        }
      }
    }
    return List.copyOf(phases);
  }

  private Phase phase(Node node, int number) {
    if (!(node instanceof MappingNode mapping)) {
      problems.add(node, "phase #" + number + " must be a mapping with name: and steps:, found " + Nodes.describe(node),
          "write the phase as `- name: ...` followed by an indented `steps:` list");
      return null;
    }
    YamlMap map = new YamlMap(mapping, problems);
    String name = requiredName(map, "name", Names.Rule.PHASE, "phase #" + number + " has no name:",
        "add `name: <phase-name>`, unique in the plan");
    String label = name != null ? "phase '" + name + "'" : "phase #" + number;
    if (name != null) {
      Integer first = phaseLines.putIfAbsent(name, YamlMap.line(map.peek("name")));
      if (first != null) {
        problems.add(map.peek("name"), "duplicate phase name '" + name + "' (first at line " + first + ")",
            "give each phase its own name");
      }
    }
    String description = optionalText(map, "description", label + ": ");
    boolean inWaves = map.has("waves");
    List<PlanStep> steps = steps(map, label, inWaves);
    Waves waves = WavesReader.read(map, label, problems);
    map.reportUnknown(problems, label, PHASE_FIELDS);
    return new Phase(name, description, steps, waves);
  }

  // ---------------------------------------------------------------- steps

  /** @param inWaves the phase runs per key: its steps must be ones a key's workflow applies */
  private List<PlanStep> steps(YamlMap phase, String phaseLabel, boolean inWaves) {
    List<PlanStep> steps = new ArrayList<>();
    Node value = phase.value("steps");
    String message = "empty phase: " + phaseLabel + " has no steps";
    String fix = "add steps: with at least one step (id: and kind:), or remove the phase";
    if (value == null) {
      problems.add(phase.node(), message, fix);
    } else if (Nodes.isNull(value)) {
      problems.add(phase.key("steps"), message, fix);
    } else if (!(value instanceof SequenceNode sequence)) {
      problems.add(value, phaseLabel + ": steps must be a list of steps, found " + Nodes.describe(value),
          "write each step as a list item starting with `- id: ...`");
    } else if (sequence.getValue().isEmpty()) {
      problems.add(value, message, fix);
    } else {
      int number = 0;
      for (Node item : sequence.getValue()) {
        PlanStep step = step(item, ++number, phaseLabel, inWaves);
        if (step != null) {
          steps.add(step);
        }
      }
    }
    return List.copyOf(steps);
  }

  private PlanStep step(Node node, int number, String phaseLabel, boolean inWaves) {
    String position = "step #" + number + " of " + phaseLabel;
    if (!(node instanceof MappingNode mapping)) {
      problems.add(node, position + " must be a mapping with id: and kind:, found " + Nodes.describe(node),
          "write the step as `- id: ...` followed by `kind: ...` and its fields");
      return null;
    }
    YamlMap map = new YamlMap(mapping, problems);
    String id = requiredName(map, "id", Names.Rule.STEP, position + " has no id:",
        "add `id: <step-id>`, unique in the whole plan");
    if (id != null) {
      Integer first = stepLines.putIfAbsent(id, YamlMap.line(map.peek("id")));
      if (first != null) {
        problems.add(map.peek("id"), "duplicate step id '" + id + "' (first at line " + first + ")",
            "step ids must be unique across all phases; rename one of them");
      }
    }
    String label = id != null ? "step '" + id + "'" : position;

    StepSpecReader kind = kind(map, label);
    String description = optionalText(map, "description", label + ": ");
    String compensate = optionalText(map, "compensate", label + ": ");
    boolean mayCompensate =
        kind == null || kind.undo() == Undo.DECLARED || kind.undo() == Undo.OPTIONAL;
    if (mayCompensate && map.has("compensate") && (compensate == null ? Nodes.isNull(map.peek("compensate"))
        : compensate.isBlank())) {
      problems.add(map.valueOrKey("compensate"), label + ": compensate: is empty",
          "give the SQL that undoes the step, or remove compensate:");
    }
    if (compensate != null && compensate.isBlank()) {
      compensate = null;
    }
    Boolean irreversible = optionalBoolean(map, "irreversible", label);
    Boolean pointOfNoReturn = optionalBoolean(map, "pointOfNoReturn", label);
    if (inWaves) {
      refuseInWaves(map, kind, Boolean.TRUE.equals(pointOfNoReturn), label, phaseLabel);
    }

    YamlStepFields fields = new YamlStepFields(map, id, label, problems, Collections.unmodifiableMap(stepKinds),
        new YamlStepFields.StepTargets(knownTargets, planTarget));
    StepSpec spec = null;
    LintAllowance lint;
    if (kind != null) {
      spec = kind.read(fields);
      if (spec != null) {
        kind.checkUndo(fields, spec);
      }
      lint = lint(map, label); // after the kind's fields, which unknown-field messages list first
      fields.finish();
      undo(map, kind, spec, label, Boolean.TRUE.equals(irreversible));
      map.reportUnknown(problems, label + " (kind " + kind.name() + ")", map.declared());
    } else {
      lint = lint(map, label);
      map.readAll(); // without a kind, its fields cannot be judged
    }
    if (id != null && kind != null) {
      stepKinds.putIfAbsent(id, kind.name());
    }
    return new PlanStep(id, description, compensate, Boolean.TRUE.equals(irreversible),
        Boolean.TRUE.equals(pointOfNoReturn), spec, YamlMap.line(mapping), lint);
  }

  /** A wave phase's steps run once per key in a workflow of their own, which holds no gates. */
  private void refuseInWaves(YamlMap map, StepSpecReader kind, boolean pointOfNoReturn, String label, String phaseLabel) {
    if (kind != null && kind.heldByWorkflow()) {
      problems.add(map.peek("kind"), label + ": a " + kind.name() + " step cannot be in " + phaseLabel
          + ", which runs per key in waves", kind.name().equals("approval")
              ? "to wait for people between waves write approveBetween: true under waves:"
              : "put the " + kind.name() + " in a phase of its own, before or after the waves");
    }
    if (pointOfNoReturn) {
      problems.add(map.key("pointOfNoReturn"), label + ": a step of " + phaseLabel
          + " (waves) cannot be the point of no return: it runs once per key",
          "mark a step of a phase without waves as pointOfNoReturn: true");
    }
  }

  /** {@code lint: {allow: [rule, …], because: "…"}}: an acknowledgement needs its reason. */
  private LintAllowance lint(YamlMap map, String label) {
    Node value = map.value("lint");
    if (value == null || Nodes.isNull(value)) {
      return null;
    }
    if (!(value instanceof MappingNode mapping)) {
      problems.add(value, label + ": lint must be a mapping with allow: and because:, found " + Nodes.describe(value),
          "write lint: {allow: [rule-id], because: \"why the rule does not apply here\"}");
      return null;
    }
    YamlMap lint = new YamlMap(mapping, problems);
    List<String> allow = new ArrayList<>();
    Node rules = lint.value("allow");
    if (rules instanceof SequenceNode sequence && !sequence.getValue().isEmpty()) {
      for (Node rule : sequence.getValue()) {
        if (Nodes.isString(rule) && !Nodes.text(rule).isBlank()) {
          allow.add(Nodes.text(rule).strip());
        } else {
          problems.add(rule, label + ": lint allow: holds rule ids, found " + Nodes.describe(rule),
              "write the rule id `cutover plan lint` printed, e.g. index-blocks-writes");
        }
      }
    } else if (rules != null && Nodes.isString(rules) && !Nodes.text(rules).isBlank()) {
      allow.add(Nodes.text(rules).strip());
    } else {
      problems.add(rules == null ? lint.node() : rules, label + ": lint has no allow: rule ids",
          "write allow: [rule-id] with the ids `cutover plan lint` printed");
    }
    Node because = lint.value("because");
    String reason = because != null && Nodes.isString(because) ? Nodes.text(because).strip() : null;
    if (reason == null || reason.isEmpty()) {
      problems.add(because == null ? lint.node() : because,
          label + ": lint allows " + String.join(", ", allow) + " without saying why (because:)",
          "add because: \"…\" with the reason the rule does not apply or the risk is accepted");
    }
    lint.reportUnknown(problems, label + " lint", List.of("allow", "because"));
    return new LintAllowance(allow, reason);
  }

  private StepSpecReader kind(YamlMap map, String label) {
    Node value = map.value("kind");
    String known = String.join(", ", this.kinds.names());
    if (value == null || Nodes.isNull(value)) {
      problems.add(value == null ? map.node() : map.key("kind"), label + " has no kind:", "add kind: one of " + known);
      return null;
    }
    if (!Nodes.isString(value)) {
      problems.add(value, label + ": kind must be text, found " + Nodes.describe(value), "write kind: one of " + known);
      return null;
    }
    String name = Nodes.text(value);
    StepSpecReader kind = kinds.find(name).orElse(null);
    if (kind == null) {
      String closest = Names.closest(name, kinds.names());
      problems.add(value, label + ": unknown step kind '" + Nodes.shorten(name) + "'",
          (closest != null ? "did you mean '" + closest + "'? " : "") + "known kinds: " + known);
    }
    return kind;
  }

  /** How the step is undone must agree with its kind. */
  private void undo(YamlMap map, StepSpecReader kind, StepSpec spec, String label, boolean irreversible) {
    boolean compensate = map.has("compensate");
    switch (spec == null ? kind.undo() : kind.undo(spec)) {
      case DECLARED -> {
        if (compensate && irreversible) {
          problems.add(map.key("irreversible"),
              label + " has compensate: and irreversible: true, which contradict each other",
              "keep compensate: if its SQL undoes the step, or remove compensate: if the step truly cannot be undone");
        } else if (!compensate && !irreversible && !irreversibleIsWrong(map)) {
          problems.add(map.has("id") ? map.key("id") : map.node(),
              label + " (kind " + kind.name() + ") has no compensate: and is not marked irreversible: true",
              "add compensate: with SQL that undoes the step, so a rollback can run it; "
                  + "or, if the step cannot be undone, declare irreversible: true");
        }
      }
      case OPTIONAL -> {
        if (compensate && irreversible) {
          problems.add(map.key("irreversible"),
              label + " has compensate: and irreversible: true, which contradict each other",
              "keep compensate: if its SQL undoes the step, or remove compensate: if the step truly cannot be undone");
        }
      }
      case NOTHING -> {
        if (compensate && kind.undo() != Undo.NOTHING) { // the kind undoes some steps, not one with these fields
          problems.add(map.key("compensate"), label + ": this " + kind.name() + " step changes nothing, so it has nothing"
              + " to undo; remove compensate:", "a compensate: undoes what a check's fix: changed; without a fix:, "
              + "delete the compensate: block");
        } else if (compensate) {
          problems.add(map.key("compensate"), label + ": kind " + kind.name() + " has nothing to undo; remove compensate:",
              "a rollback passes over " + kind.name() + " steps; delete the compensate: block");
        }
      }
      case AUTOMATIC -> {
        if (compensate) {
          problems.add(map.key("compensate"),
              label + ": kind " + kind.name() + " undoes itself automatically; remove compensate:",
              "a rollback restores what a " + kind.name() + " step changed; delete the compensate: block");
        }
      }
    }
  }

  /** {@code irreversible:} has a value that is not a boolean (already reported; its intent is unknown). */
  private static boolean irreversibleIsWrong(YamlMap map) {
    return map.has("irreversible") && !Nodes.isBoolean(map.peek("irreversible"));
  }

  // ---------------------------------------------------------------- fields

  /** A name or id that must be present, text, and follow {@code rule}; null when it is not. */
  private String requiredName(YamlMap map, String field, Names.Rule rule, String missing, String fix) {
    Node value = map.value(field);
    if (value == null) {
      problems.add(map.node(), missing, fix);
      return null;
    }
    if (Nodes.isNull(value)) {
      problems.add(map.key(field), missing, fix);
      return null;
    }
    if (!Nodes.isString(value)) {
      problems.add(value, rule.what() + " must be text, found " + Nodes.describe(value), Nodes.quoteFix(field, value));
      return null;
    }
    String name = Nodes.text(value);
    String wrong = rule.check(name);
    if (wrong != null) {
      problems.add(value, wrong, rule.fix(name));
      return null;
    }
    return name;
  }

  /** Optional free text: null when absent or empty. */
  private String optionalText(YamlMap map, String field, String prefix) {
    Node value = map.value(field);
    if (value == null || Nodes.isNull(value)) {
      return null;
    }
    if (!Nodes.isString(value)) {
      problems.add(value, prefix + field + " must be text, found " + Nodes.describe(value), Nodes.quoteFix(field, value));
      return null;
    }
    return Nodes.text(value);
  }

  /** Optional true/false: null when absent or wrong (reported). */
  private Boolean optionalBoolean(YamlMap map, String field, String label) {
    Node value = map.value(field);
    if (value == null) {
      return null;
    }
    if (!Nodes.isBoolean(value)) {
      problems.add(Nodes.at(map.key(field), value),
          label + ": " + field + " must be true or false, found " + Nodes.describe(value),
          "write " + field + ": true or " + field + ": false");
      return null;
    }
    return Nodes.booleanValue(value);
  }
}
