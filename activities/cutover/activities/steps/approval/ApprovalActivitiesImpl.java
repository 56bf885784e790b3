package cutover.activities.steps.approval;

import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@link ApprovalActivities} on a worker: its allowed-signers file and whether it requires signatures. */
public final class ApprovalActivitiesImpl implements ApprovalActivities {
  private final ApprovalSigners signers;

  public ApprovalActivitiesImpl(ApprovalSigners signers) {
    this.signers = signers;
  }

  @Override
  public ApprovalPolicy policy() {
    return new ApprovalPolicy(signers.requireSigned(), signers.allowedSigners() != null);
  }

  @Override
  public SignatureCheck verify(SignedApproval approval) {
    Path allowed = signers.allowedSigners();
    if (allowed == null) {
      return SignatureCheck.refused("this worker checks no signatures: start it with --allowed-signers FILE");
    }
    if (approval == null || approval.signature() == null || approval.message() == null) {
      return SignatureCheck.refused("no signature to check");
    }
    if (!Files.isReadable(allowed)) {
      // the operator can fix the file; the approval can be sent again
      return SignatureCheck.refused("the worker cannot read its allowed signers " + allowed);
    }
    try {
      String principal = approval.principal() == null || approval.principal().isBlank() ? null : approval.principal().strip();
      return SshSignatures.verify(allowed, principal, approval.message(), approval.signature());
    } catch (IOException e) {
      throw ApplicationFailure.newNonRetryableFailure("the signature could not be checked: " + e.getMessage(),
          "SignatureUnchecked");
    }
  }
}
