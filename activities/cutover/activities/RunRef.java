package cutover.activities;

/** A run of a target, by name and run id. */
public record RunRef(String target, String runId) {}
