package cutover.activities.steps.approval;

import cutover.plan.StepSpec;
import java.util.List;

/**
 * The fields of an {@code approval} gate.
 *
 * @param approvers who may decide (anyone when empty)
 * @param approvals how many distinct people must approve
 * @param separateFromStarter the person who started the run cannot be the only approver
 */
public record ApprovalSpec(List<String> approvers, Integer approvals, Boolean separateFromStarter) implements StepSpec {
  public static final int DEFAULT_APPROVALS = 1;

  public ApprovalSpec {
    approvers = approvers == null ? List.of() : List.copyOf(approvers);
    approvals = approvals == null ? DEFAULT_APPROVALS : approvals;
    separateFromStarter = separateFromStarter != null && separateFromStarter;
  }

  @Override
  public String kind() {
    return ApprovalGate.NAME;
  }
}
