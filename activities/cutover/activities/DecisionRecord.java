package cutover.activities;

/**
 * @param decision approve or reject
 * @param refusal why the decision was refused, or null when accepted
 * @param signalId unique per signal, so a retried recording writes one row
 */
public record DecisionRecord(
    String target,
    String runId,
    String stepId,
    String decision,
    String decidedBy,
    String comment,
    boolean accepted,
    String refusal,
    String signalId,
    long decidedAtMillis) {}
