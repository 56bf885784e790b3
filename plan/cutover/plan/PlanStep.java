package cutover.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One step of a plan: the fields every kind shares, and the kind's own fields as its typed
 * {@link StepSpec}. In JSON the spec's type is named by the step's {@code kind} property.
 *
 * @param compensate SQL that undoes the step, or null
 * @param irreversible the plan declares the step cannot be undone
 * @param pointOfNoReturn once completed, rollback of the cutover is refused
 * @param line the step's line in the plan file, for messages
 * @param lint the lint rules the plan acknowledges for this step, or null
 */
public record PlanStep(
    String id,
    String description,
    String compensate,
    boolean irreversible,
    boolean pointOfNoReturn,
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXTERNAL_PROPERTY, property = "kind")
    StepSpec spec,
    int line,
    @JsonInclude(JsonInclude.Include.NON_NULL)
    LintAllowance lint) {

  public PlanStep(String id, String description, String compensate, boolean irreversible, boolean pointOfNoReturn,
      StepSpec spec, int line) {
    this(id, description, compensate, irreversible, pointOfNoReturn, spec, line, null);
  }

  /** The step's {@code kind:}. */
  public String kind() {
    return spec == null ? null : spec.kind();
  }
}
