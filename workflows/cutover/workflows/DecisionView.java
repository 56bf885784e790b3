package cutover.workflows;

import cutover.activities.steps.Decision;

/** A decision at a gate as the status query shows it; refused ones say why. */
public record DecisionView(
    String gate, Decision decision, String by, String comment, boolean accepted, String refusal, String requestId, long atMillis) {}
