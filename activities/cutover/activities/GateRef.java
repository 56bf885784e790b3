package cutover.activities;

public record GateRef(String target, String runId, String stepId) {}
