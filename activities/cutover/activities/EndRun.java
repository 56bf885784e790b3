package cutover.activities;

/** @param state completed, rolled_back or failed */
public record EndRun(String target, String runId, String state, String detail) {}
