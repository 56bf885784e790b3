package cutover.starter;

import cutover.activities.steps.approval.ApprovalSigners;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a worker treats approvals' signatures: {@code --allowed-signers FILE}, {@code --require-signed-approvals}. */
final class SignedApprovalOptions {
  @Option(names = "--allowed-signers", paramLabel = "FILE",
      description = "check approvals' SSH signatures against this allowed-signers file (the format of git's "
          + "gpg.ssh.allowedSignersFile: `alice ssh-ed25519 AAAA...`, one principal and key a line)")
  Path allowedSigners;

  @Option(names = "--require-signed-approvals",
      description = "refuse unsigned approvals at every gate (needs --allowed-signers)")
  boolean requireSigned;

  ApprovalSigners signers() {
    return new ApprovalSigners(allowedSigners, requireSigned);
  }
}
