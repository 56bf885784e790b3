package cutover.activities.steps.approval;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import cutover.activities.Word;
import cutover.plan.StepSpec;
import java.util.List;
import java.util.Locale;

/**
 * The fields of an {@code approval} gate.
 *
 * @param approvers who may decide (anyone when empty)
 * @param approvals how many distinct people must approve
 * @param separateFromStarter the person who started the run cannot be the only approver
 * @param signed whether approvals must be signed by a key in the worker's allowed signers
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
    Boolean separateFromStarter,
    @JsonProperty(defaultValue = "allowed")
    @JsonPropertyDescription("required: only approvals signed with `cutover approve --sign-with KEY` by a key in the "
        + "worker's --allowed-signers count; allowed: unsigned ones count too (recorded as unsigned), unless the worker "
        + "requires signatures.")
    Signatures signed) implements StepSpec {
  public static final int DEFAULT_APPROVALS = 1;

  public ApprovalSpec {
    approvers = approvers == null ? List.of() : List.copyOf(approvers);
    approvals = approvals == null ? DEFAULT_APPROVALS : approvals;
    separateFromStarter = separateFromStarter != null && separateFromStarter;
    signed = signed == null ? Signatures.ALLOWED : signed;
  }

  public ApprovalSpec(List<String> approvers, Integer approvals, Boolean separateFromStarter) {
    this(approvers, approvals, separateFromStarter, null);
  }

  /** Whether a gate's approvals must be signed. */
  public enum Signatures implements Word {
    /** Unsigned approvals count, recorded as unsigned, unless the worker requires signatures. */
    ALLOWED,
    /** Only approvals signed by a key in the worker's allowed signers count. */
    REQUIRED;

    @JsonCreator
    public static Signatures of(String text) {
      return Word.of(Signatures.class, text == null ? null : text.strip().toLowerCase(Locale.ROOT));
    }
  }

  @Override
  public String kind() {
    return ApprovalGate.NAME;
  }
}
