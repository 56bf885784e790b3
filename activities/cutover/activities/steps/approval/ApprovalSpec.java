package cutover.activities.steps.approval;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import cutover.plan.StepSpec;
import java.util.List;

/**
 * The fields of an {@code approval} gate.
 *
 * @param approvers who may decide (anyone when empty)
 * @param approvals how many distinct people must approve
 * @param separateFromStarter the person who started the run cannot be the only approver
 */
@JsonClassDescription("A gate that waits for `cutover approve` / `cutover reject`.")
public record ApprovalSpec(
    @JsonPropertyDescription("Who may decide; anyone when omitted.")
    List<String> approvers,
    @JsonProperty(defaultValue = "" + DEFAULT_APPROVALS)
    @JsonPropertyDescription("How many distinct people must approve; 1 to 20, at most as many as approvers:.")
    Integer approvals,
    @JsonProperty(defaultValue = "false")
    @JsonPropertyDescription("The person who started the run cannot be the only approver.")
    Boolean separateFromStarter) implements StepSpec {
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
