package cutover.activities;

/**
 * @param eventKey unique within the run, so a retried recording writes one row
 * @param kind e.g. retry, rollback, rollback_refused, pause, resume, step_failed
 */
public record RunEvent(String target, String runId, String eventKey, String kind, String stepId, String actor, String detail) {}
