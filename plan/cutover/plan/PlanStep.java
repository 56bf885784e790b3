package cutover.plan;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One step of a plan. The fields every kind shares are typed; the kind's own fields are in
 * {@code spec}, already checked by the kind's {@code validate} and normalised by the parser
 * (durations are ISO-8601 strings such as {@code PT0.5S}).
 *
 * @param compensate SQL that undoes the step, or null
 * @param irreversible the plan declares the step cannot be undone
 * @param pointOfNoReturn once completed, rollback of the cutover is refused
 * @param line the step's line in the plan file, for messages
 */
public record PlanStep(
    String id,
    String kind,
    String description,
    String compensate,
    boolean irreversible,
    boolean pointOfNoReturn,
    Map<String, Object> spec,
    int line) {

  public String string(String field) {
    Object value = spec.get(field);
    return value == null ? null : value.toString();
  }

  public Duration duration(String field, Duration fallback) {
    String value = string(field);
    return value == null ? fallback : Duration.parse(value);
  }

  public int integer(String field, int fallback) {
    Object value = spec.get(field);
    return value instanceof Number n ? n.intValue() : fallback;
  }

  public boolean flag(String field) {
    return Boolean.TRUE.equals(spec.get(field));
  }

  @SuppressWarnings("unchecked")
  public List<String> strings(String field) {
    Object value = spec.get(field);
    return value instanceof List<?> list ? (List<String>) list : List.of();
  }
}
