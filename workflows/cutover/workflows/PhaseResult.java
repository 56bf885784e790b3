package cutover.workflows;

import java.util.List;

/**
 * @param attempted steps whose apply was started, in order: what a rollback must look at
 * @param pointOfNoReturn the completed point-of-no-return step, or null
 */
public record PhaseResult(String phase, RunState state, List<StepView> steps, List<String> attempted, String pointOfNoReturn) {}
