package cutover.activities;

public record RunSummary(
    String runId,
    String target,
    String planName,
    String planHash,
    String workflowId,
    String state,
    String startedBy,
    String startedAt,
    String endedAt,
    int stepsApplied,
    int stepsCompensated) {}
