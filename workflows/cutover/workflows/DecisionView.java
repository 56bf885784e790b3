package cutover.workflows;

import cutover.activities.steps.Decision;

/**
 * A decision at a gate as the status query shows it; refused ones say why.
 *
 * @param signed the worker verified the sender's signature: {@code by} is the principal of the signing key
 * @param planHash a signed decision: the plan version it was signed over
 * @param findingsDigest a signed decision: the digest of the findings it was signed over
 */
public record DecisionView(
    String gate, Decision decision, String by, String comment, boolean accepted, String refusal, String requestId,
    long atMillis, boolean signed, String planHash, String findingsDigest) {}
