package cutover.activities.steps.approval;

/**
 * A signature to check: no key material but the public one inside the signature.
 *
 * @param message the canonical message of {@link ApprovalEvidence#message}
 * @param signature the armored SSH signature ({@code -----BEGIN SSH SIGNATURE-----})
 * @param principal who the sender says they are, or null to take the one principal the signing key is allowed for
 */
public record SignedApproval(String message, String signature, String principal) {}
