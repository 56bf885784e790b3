package cutover.activities.steps.approval;

/**
 * How a signature checked out.
 *
 * @param principal the allowed signer whose key made the signature, when it verified
 * @param refusal why it does not hold, or null when it verified
 */
public record SignatureCheck(String principal, String refusal) {

  static SignatureCheck verified(String principal) {
    return new SignatureCheck(principal, null);
  }

  static SignatureCheck refused(String refusal) {
    return new SignatureCheck(null, refusal);
  }
}
