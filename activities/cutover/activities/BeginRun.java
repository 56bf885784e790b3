package cutover.activities;

public record BeginRun(
    String target, String runId, String planName, String planHash, String workflowId, String startedBy, boolean resume) {}
