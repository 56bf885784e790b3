package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The payload of the {@code approve} and {@code reject} signals, e.g.
 * {@code {"gate":"go-no-go","by":"alice","comment":"parity is clean"}}.
 *
 * @param requestId optional; lets a client find its decision and the workflow's {@link SignalAnswer} in the status
 * @param signature optional: an armored SSH signature ({@code ssh-keygen -Y sign -n cutover-approval}) over the
 *     decision's canonical message ({@code ApprovalEvidence.message}); then {@code by} may be omitted, the worker
 *     names the approver by the principal of the signing key in its allowed signers
 * @param planHash with a signature: the plan version signed over, as the gate showed it
 * @param findingsDigest with a signature: the digest of the findings signed over, as the gate showed it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GateDecision(
    String gate, String by, String comment, String requestId, String signature, String planHash, String findingsDigest) {

  public GateDecision(String gate, String by, String comment, String requestId) {
    this(gate, by, comment, requestId, null, null, null);
  }

  /** Whether the decision carries a signature. */
  boolean signed() {
    return signature != null && !signature.isBlank();
  }
}
