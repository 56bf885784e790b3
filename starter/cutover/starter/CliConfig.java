package cutover.starter;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The user's defaults for every command, a YAML mapping of {@link CliSetting} keys:
 * <pre>
 * address: temporal.internal:7233
 * namespace: payments
 * as: dba-on-call
 * output: json
 * </pre>
 * read from the file {@code $CUTOVER_CONFIG} names, else {@code ~/.config/cutover/config.yaml} if it
 * exists. Relative file paths (tls-cert, ...) are relative to the config file, {@code ~/} is the home.
 */
final class CliConfig {
  static final String FILE_VARIABLE = "CUTOVER_CONFIG";

  static final CliConfig NONE = new CliConfig(null, Map.of());

  /** The config file is unreadable or wrong: each problem as {@code file:line:column: what — how to fix}. */
  static final class Invalid extends Exception {
    final List<String> problems;

    Invalid(List<String> problems) {
      super(String.join("\n", problems));
      this.problems = List.copyOf(problems);
    }
  }

  final Path file;
  private final Map<CliSetting, String> values;

  private CliConfig(Path file, Map<CliSetting, String> values) {
    this.file = file;
    this.values = values;
  }

  Optional<String> value(CliSetting setting) {
    return Optional.ofNullable(values.get(setting));
  }

  /** The config file in use: $CUTOVER_CONFIG (which must exist), else ~/.config/cutover/config.yaml if it exists. */
  static Optional<Path> locate(Map<String, String> environment, Path home) throws Invalid {
    String named = environment.get(FILE_VARIABLE);
    if (named != null && !named.isBlank()) {
      Path file = Path.of(named);
      if (!Files.isRegularFile(file)) {
        throw new Invalid(List.of(FILE_VARIABLE + " names " + file + ", which is not a file — create it, or unset "
            + FILE_VARIABLE));
      }
      return Optional.of(file);
    }
    Path file = home.resolve(".config").resolve("cutover").resolve("config.yaml");
    return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
  }

  static CliConfig load(Map<String, String> environment, Path home) throws Invalid {
    Optional<Path> file = locate(environment, home);
    return file.isEmpty() ? NONE : read(file.get(), home);
  }

  static CliConfig read(Path file, Path home) throws Invalid {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Invalid(List.of(file + ": cannot read the config file: " + e.getMessage()));
    }
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      throw new Invalid(List.of(at(file, e.getProblemMark()) + "not YAML: " + e.getProblem()));
    } catch (RuntimeException e) {
      throw new Invalid(List.of(file + ": not YAML: " + e.getMessage()));
    }
    if (root == null) {
      return new CliConfig(file, Map.of());
    }
    if (!(root instanceof MappingNode mapping)) {
      throw new Invalid(List.of(at(file, root.getStartMark()) + "the config file must be a mapping of keys to values"
          + " — e.g. `address: temporal.internal:7233`; the keys are " + CliSetting.keys()));
    }
    List<String> problems = new ArrayList<>();
    Map<CliSetting, String> values = new EnumMap<>(CliSetting.class);
    for (NodeTuple entry : mapping.getValue()) {
      Node keyNode = entry.getKeyNode();
      String key = keyNode instanceof ScalarNode scalar ? scalar.getValue() : null;
      Optional<CliSetting> setting = key == null ? Optional.empty() : CliSetting.ofKey(key);
      if (setting.isEmpty()) {
        problems.add(at(file, keyNode.getStartMark()) + "unknown key " + (key == null ? "" : "'" + key + "'")
            + " — the keys are " + CliSetting.keys());
        continue;
      }
      if (values.containsKey(setting.get())) {
        problems.add(at(file, keyNode.getStartMark()) + "'" + key + "' is given twice — keep one");
        continue;
      }
      Node valueNode = entry.getValueNode();
      String problem = null;
      String value = null;
      if (!(valueNode instanceof ScalarNode scalar) || scalar.getTag() == Tag.NULL) {
        problem = "'" + key + "' needs a single value";
      } else {
        value = scalar.getValue().trim();
        switch (setting.get().value) {
          case TEXT -> problem = value.isEmpty() ? "'" + key + "' is empty — give a value or leave the key out" : null;
          case BOOLEAN -> {
            value = value.toLowerCase(Locale.ROOT);
            problem = value.equals("true") || value.equals("false") ? null
                : "'" + key + "' must be true or false, not '" + scalar.getValue() + "'";
          }
          case OUTPUT -> problem = value.equals("text") || value.equals("json") ? null
              : "'" + key + "' must be text or json, not '" + scalar.getValue() + "'";
          case FILE -> {
            if (value.isEmpty()) {
              problem = "'" + key + "' is empty — give a file or leave the key out";
            } else {
              Path path = value.startsWith("~/") ? home.resolve(value.substring(2)) : Path.of(value);
              value = (path.isAbsolute() ? path : file.toAbsolutePath().getParent().resolve(path)).toString();
            }
          }
        }
      }
      if (problem != null) {
        problems.add(at(file, valueNode.getStartMark()) + problem);
      } else {
        values.put(setting.get(), value);
      }
    }
    if (!problems.isEmpty()) {
      throw new Invalid(problems);
    }
    return new CliConfig(file, values);
  }

  private static String at(Path file, Mark mark) {
    return mark == null ? file + ": " : file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": ";
  }
}
