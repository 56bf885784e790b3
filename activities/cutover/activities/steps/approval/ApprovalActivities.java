package cutover.activities.steps.approval;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Approvers' signatures, checked on the worker against its allowed-signers file (ssh-keygen is I/O). */
@ActivityInterface
public interface ApprovalActivities {

  /** Whether this worker requires signed approvals and can check signatures. */
  @ActivityMethod(name = "ApprovalPolicy")
  ApprovalPolicy policy();

  /** Checks a signature over an approval's message: who signed it, or why it does not hold. */
  @ActivityMethod(name = "VerifyApproval")
  SignatureCheck verify(SignedApproval approval);
}
