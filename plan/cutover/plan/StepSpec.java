package cutover.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A step kind's own fields, typed: one record per kind, read once when the plan is loaded, with
 * its defaults applied by the record itself. It travels through Temporal inside the
 * {@link PlanStep}, whose {@code kind} names the record's type.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public interface StepSpec {

  /** The {@code kind:} this spec belongs to. */
  @JsonIgnore
  String kind();
}
