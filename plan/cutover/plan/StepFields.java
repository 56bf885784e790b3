package cutover.plan;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A step kind's view of its own fields in the plan file while the plan is read. Reading a field
 * declares it: after the kind's {@link StepSpecReader#read}, any field no one read is reported as
 * unknown. Each reader reports a wrong type or value at the field's position and returns null
 * (or the fallback), so a kind reports every problem at once.
 */
public interface StepFields {

  /** The step's id, for messages. */
  String stepId();

  /**
   * The kind of the step with this id written before this one in the plan (any phase), or empty:
   * for a kind whose step ends an earlier one ({@code unfreeze} names its {@code freeze}).
   */
  Optional<String> earlierStepKind(String stepId);

  /** A string that must be present and non-blank. */
  String requiredString(String field, String fix);

  String optionalString(String field);

  /** A duration such as {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 7d} or ISO-8601. */
  Duration optionalDuration(String field, Duration fallback);

  Integer optionalInteger(String field, int min, int max, Integer fallback);

  boolean optionalBoolean(String field, boolean fallback);

  /** A boolean, or null when the field is absent (or reported as not a boolean). */
  Boolean optionalBoolean(String field);
  /**
   * Whether the field is written as {@code true} or {@code false}, without reading it: a section
   * a plan may also switch on (its defaults) or off as a whole, e.g. {@code guard: false}.
   */
  boolean writtenAsBoolean(String field);

  /** A list of strings, or a single string taken as a list of one. */
  List<String> optionalStringList(String field);

  /** A mapping of names to text (e.g. column: expression), in the file's order; null when absent. */
  Map<String, String> optionalStringMap(String field);

  /** The step gives {@code compensate:} SQL or declares {@code irreversible: true}. */
  boolean declaresUndo();

  /** The step declares {@code irreversible: true}. */
  boolean declaresIrreversible();

  /** The step says in {@code description:} what it does (or, declared irreversible, why that is acceptable). */
  boolean describes();

  /** Reports a problem at the given field (or at the step when the field is absent). */
  void problem(String field, String message, String fix);

  /** A number, whole or decimal (bounds of a check). */
  BigDecimal optionalNumber(String field);

  /**
   * A nested mapping whose fields are read, kept and reported (unknown ones too) like the step's
   * own. Null when absent or not a mapping (reported).
   */
  StepFields optionalSection(String field);

  /**
   * A target's name: reported unless it is configured on the worker (when the parser was given
   * the worker's targets) or when it is the plan's own target, which a step reads by default.
   */
  String optionalOtherTarget(String field);

  /** One of an enum's constants, written in the plan as {@link #choiceName}; the fallback when absent. */
  <E extends Enum<E>> E optionalChoice(String field, Class<E> choices, E fallback);

  /** How a plan writes an enum constant: its name in lower case ({@code ON_CONFLICT} as {@code on-conflict}). */
  static String choiceName(Enum<?> choice) {
    return choice.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
