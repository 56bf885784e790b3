package cutover.activities;

/**
 * @param eventKey unique within the run, so a retried recording writes one row
 * @param kind a {@link RunEventKind}'s word, as the ledger's column holds it; text, so that words
 *     written by other versions still read ({@link RunEventKind#of} gives null for those)
 */
public record RunEvent(String target, String runId, String eventKey, String kind, String stepId, String actor, String detail) {}
