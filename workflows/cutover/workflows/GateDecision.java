package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The payload of the {@code approve}, {@code reject} and {@code skip} signals, e.g.
 * {@code {"gate":"go-no-go","by":"alice","comment":"parity is clean"}}.
 *
 * @param requestId optional; lets a client find its decision and the workflow's {@link SignalAnswer} in the status
 * @param signature optional: an armored SSH signature ({@code ssh-keygen -Y sign -n cutover-approval}) over the
 *     decision's canonical message ({@code ApprovalEvidence.message}); then {@code by} may be omitted, the worker
 *     names the approver by the principal of the signing key in its allowed signers
 * @param planHash with a signature: the plan version signed over, as the gate showed it
 * @param findingsDigest with a signature: the digest of the findings signed over, as the gate showed it
 * @param unreadable why the payload as sent cannot be used (a field of the wrong type); null when it can
 */
public record GateDecision(String gate, String by, String comment, String requestId, String signature,
    String planHash, String findingsDigest, @JsonIgnore String unreadable) implements SentPayload {
  static final String EXAMPLE = "{\"gate\":\"go-no-go\",\"by\":\"alice\",\"comment\":\"parity is clean\"}";

  public GateDecision(String gate, String by, String comment, String requestId) {
    this(gate, by, comment, requestId, null, null, null, null);
  }

  public GateDecision(String gate, String by, String comment, String requestId, String signature, String planHash,
      String findingsDigest) {
    this(gate, by, comment, requestId, signature, planHash, findingsDigest, null);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static GateDecision read(JsonNode json) {
    SentFields sent = SentFields.of(json);
    return new GateDecision(sent.text("gate"), sent.text("by"), sent.text("comment"), sent.text("requestId"),
        sent.text("signature"), sent.text("planHash"), sent.text("findingsDigest"),
        sent.unreadable("the payload", EXAMPLE));
  }

  /** Whether the decision carries a signature. */
  boolean signed() {
    return signature != null && !signature.isBlank();
  }
}
