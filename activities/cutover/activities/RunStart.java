package cutover.activities;

/**
 * @param startedBy who started the run (on resume: who started it first)
 * @param resumed true when an existing run row was taken over
 */
public record RunStart(String runId, String startedBy, boolean resumed) {}
