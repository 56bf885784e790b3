package cutover.activities.steps;

import java.util.List;

/**
 * A gate waiting for people.
 *
 * @param signatures whether approvals must be signed here: {@code required} or {@code allowed}
 * @param planHash what a signed approval signs: the plan version ...
 * @param findings ... and the findings the gate shows, as {@code ApprovalEvidence} defines them
 * @param findingsDigest the digest of the findings
 * @param signedBy who of {@code approvedBy} signed their approval
 */
public record GateView(String gate, String description, List<String> approvers, int approvalsNeeded,
    List<String> approvedBy, String waitingFor, String signatures, String planHash, List<String> findings,
    String findingsDigest, List<String> signedBy) {}
