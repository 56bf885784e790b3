package cutover.activities.steps;

import cutover.plan.StepFields;
import java.util.List;

/**
 * {@code kind: approval} — waits for people. The workflow decides it from the {@code approve} /
 * {@code reject} signals; this class only checks the plan's fields.
 *
 * <ul>
 *   <li>{@code approvers}: who may decide (anyone when omitted)
 *   <li>{@code approvals}: how many distinct people must approve (default 1)
 *   <li>{@code separateFromStarter}: the person who started the run cannot be the only approver
 * </ul>
 */
public final class ApprovalGate implements StepKind {

  @Override
  public String name() {
    return "approval";
  }

  @Override
  public Undo undo() {
    return Undo.NOTHING;
  }

  @Override
  public Execution execution() {
    return Execution.WORKFLOW;
  }

  @Override
  public void validate(StepFields fields) {
    List<String> approvers = fields.optionalStringList("approvers");
    Integer approvals = fields.optionalInteger("approvals", 1, 20, 1);
    fields.optionalBoolean("separateFromStarter", false);
    if (approvers != null && !approvers.isEmpty() && approvals != null && approvals > approvers.size()) {
      fields.problem("approvals", "needs " + approvals + " approvals but lists only " + approvers.size() + " approvers",
          "lower approvals or add approvers");
    }
  }

  @Override
  public StepOutcome apply(StepContext context) {
    throw new IllegalStateException("approval gates are decided in the workflow, not applied");
  }

  @Override
  public StepOutcome compensate(StepContext context) {
    return StepOutcome.of("nothing to undo");
  }
}
