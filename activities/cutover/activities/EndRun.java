package cutover.activities;

/** @param state how the run ended: completed, rolled_back or failed (abandon is its own call) */
public record EndRun(String target, String runId, LedgerRunState state, String detail) {}
