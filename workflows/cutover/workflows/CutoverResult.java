package cutover.workflows;

import java.util.List;

public record CutoverResult(String run, String plan, String target, RunState state, List<PhaseResult> phases, String detail) {}
