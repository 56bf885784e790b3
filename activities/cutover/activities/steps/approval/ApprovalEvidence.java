package cutover.activities.steps.approval;

import cutover.activities.steps.Decision;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What an approver signs at a gate: the plan version and the findings the gate shows. The
 * findings are the outcomes of the run's completed steps before the gate (those of earlier phases,
 * then those of its own phase), in plan order, one line each, {@code <step> (<kind>): <outcome>},
 * with the outcome as the step's kind reported it; the {@code status} query shows them on the gate;
 * their digest is {@code sha256:} and the lower-case hex SHA-256 of the lines, each ended by
 * {@code \n}, in UTF-8. The CLI and the worker build the signed message with {@link #message}.
 *
 * @param planHash the content hash of the plan version the run follows
 * @param findings the lines described above
 */
public record ApprovalEvidence(String planHash, List<String> findings) {
  /** The SSH signature namespace of approvals: a signature made for anything else never verifies. */
  public static final String NAMESPACE = "cutover-approval";

  public ApprovalEvidence {
    findings = findings == null ? List.of() : List.copyOf(findings);
  }

  /** One line of the findings. */
  public static String finding(String step, String kind, String outcome) {
    return step + " (" + kind + "): " + (outcome == null ? "" : outcome.replace('\n', ' '));
  }

  public String findingsDigest() {
    return digest(findings);
  }

  /** The digest of findings lines, as defined above. */
  public static String digest(List<String> findings) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String line : findings) {
        sha.update((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  /**
   * The canonical message an approver signs, e.g.
   * <pre>
   * cutover-approval v1
   * run: r1
   * gate: go-no-go
   * decision: approve
   * plan: 6f1c…
   * findings: sha256:9a0b…
   * </pre>
   */
  public static String message(String run, String gate, Decision decision, String planHash, String findingsDigest) {
    return NAMESPACE + " v1\n"
        + "run: " + run + "\n"
        + "gate: " + gate + "\n"
        + "decision: " + decision.word() + "\n"
        + "plan: " + planHash + "\n"
        + "findings: " + findingsDigest + "\n";
  }

  /** The message for a decision at this evidence. */
  public String message(String run, String gate, Decision decision) {
    return message(run, gate, decision, planHash, findingsDigest());
  }

  /**
   * @return what changed between the evidence a signature was made over and this, in words, or
   *     null when neither the plan version nor the findings changed
   */
  public String changedSince(String signedPlanHash, String signedFindingsDigest) {
    if (!planHash.equals(signedPlanHash)) {
      return "the plan version changed: signed over plan " + signedPlanHash + ", the run now follows " + planHash;
    }
    if (!findingsDigest().equals(signedFindingsDigest)) {
      return "the findings changed: signed over " + signedFindingsDigest + ", the gate now shows " + findingsDigest();
    }
    return null;
  }
}
