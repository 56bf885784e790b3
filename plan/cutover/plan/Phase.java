package cutover.plan;

import java.util.List;

/** An ordered list of steps, run by one {@code CutoverPhase} workflow. */
public record Phase(String name, String description, List<PlanStep> steps) {}
