package cutover.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An ordered list of steps, run by one {@code CutoverPhase} workflow.
 *
 * @param waves when set, the steps run once per key the waves list (a tenant), in waves; else once
 */
public record Phase(String name, String description, List<PlanStep> steps,
    @JsonInclude(JsonInclude.Include.NON_NULL) Waves waves) {

  public Phase(String name, String description, List<PlanStep> steps) {
    this(name, description, steps, null);
  }
}
