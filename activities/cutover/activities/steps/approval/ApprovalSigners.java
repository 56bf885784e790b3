package cutover.activities.steps.approval;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A worker's configuration of signed approvals: {@code --allowed-signers FILE} and
 * {@code --require-signed-approvals}.
 *
 * @param allowedSigners the allowed-signers file that signatures are checked against, or null
 */
public record ApprovalSigners(Path allowedSigners, boolean requireSigned) {
  public static final ApprovalSigners NONE = new ApprovalSigners(null, false);

  /**
   * @return why this configuration cannot work, or null: signatures required with nothing to check
   *     them against would refuse every approval
   */
  public String problem() {
    if (requireSigned && allowedSigners == null) {
      return "--require-signed-approvals needs --allowed-signers FILE to check the signatures against";
    }
    if (allowedSigners != null && !Files.isReadable(allowedSigners)) {
      return "cannot read the allowed signers file " + allowedSigners;
    }
    return null;
  }
}
