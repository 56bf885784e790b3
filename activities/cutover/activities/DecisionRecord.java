package cutover.activities;

/**
 * @param decision approve or reject
 * @param refusal why the decision was refused, or null when accepted
 * @param signalId unique per signal, so a retried recording writes one row
 * @param signed the worker verified the decider's signature: {@code decidedBy} is its principal
 * @param planHash a signed decision: the plan version it was signed over
 * @param findingsDigest a signed decision: the digest of the findings it was signed over
 * @param signature a signed decision: the armored SSH signature, kept for audit
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
    long decidedAtMillis,
    boolean signed,
    String planHash,
    String findingsDigest,
    String signature) {

  /** An unsigned decision. */
  public DecisionRecord(String target, String runId, String stepId, String decision, String decidedBy, String comment,
      boolean accepted, String refusal, String signalId, long decidedAtMillis) {
    this(target, runId, stepId, decision, decidedBy, comment, accepted, refusal, signalId, decidedAtMillis, false, null,
        null, null);
  }
}
