package cutover.plan;

import java.util.List;
import java.util.Optional;

/**
 * A validated plan: the runbook as data. It travels through Temporal as JSON, so it holds
 * names only (the target is a name configured on the worker), never a connection string.
 */
public record Plan(String name, String target, String description, List<Phase> phases) {

  public Optional<PlanStep> step(String stepId) {
    return phases.stream().flatMap(p -> p.steps().stream()).filter(s -> s.id().equals(stepId)).findFirst();
  }

  public Optional<Phase> phase(String phaseName) {
    return phases.stream().filter(p -> p.name().equals(phaseName)).findFirst();
  }
}
