package cutover.workflows;

import cutover.activities.DecisionRecord;
import cutover.plan.PlanStep;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** An open approval gate: who may decide, who has approved, and whether it has passed. */
final class ApprovalGateState {
  static final String KIND = "approval";

  private final PlanStep step;
  private final String starter;
  private final List<String> approvers;
  private final int needed;
  private final boolean separateFromStarter;
  private final Set<String> approvedBy = new LinkedHashSet<>();
  private String rejection;

  ApprovalGateState(PlanStep step, String starter) {
    this.step = step;
    this.starter = starter;
    this.approvers = step.strings("approvers");
    this.needed = step.integer("approvals", 1);
    this.separateFromStarter = step.flag("separateFromStarter");
  }

  String id() {
    return step.id();
  }

  /** @return why the decision is refused, or null when it is accepted */
  String decide(String decision, String by, String comment) {
    if (!approvers.isEmpty() && !approvers.contains(by)) {
      return by + " may not decide gate '" + step.id() + "'; its approvers are: " + String.join(", ", approvers);
    }
    if ("approve".equals(decision)) {
      if (!approvedBy.add(by)) {
        return by + " has already approved gate '" + step.id() + "'";
      }
    } else {
      rejection = "gate '" + step.id() + "' rejected by " + by + (comment == null || comment.isBlank() ? "" : ": " + comment);
    }
    return null;
  }

  /**
   * Replays decisions recorded in the ledger (a resumed run). A rejection was followed by a
   * retry that reopened the gate, so only approvals after the last rejection count.
   */
  void replay(List<DecisionRecord> accepted) {
    int lastReject = -1;
    for (int i = 0; i < accepted.size(); i++) {
      if ("reject".equals(accepted.get(i).decision())) {
        lastReject = i;
      }
    }
    for (int i = lastReject + 1; i < accepted.size(); i++) {
      approvedBy.add(accepted.get(i).decidedBy());
    }
  }

  boolean passed() {
    return approvedBy.size() >= needed
        && (!separateFromStarter || approvedBy.stream().anyMatch(person -> !person.equals(starter)));
  }

  String rejection() {
    return rejection;
  }

  List<String> approvedBy() {
    return new ArrayList<>(approvedBy);
  }

  String waitingFor() {
    int missing = Math.max(0, needed - approvedBy.size());
    StringBuilder text = new StringBuilder();
    if (missing > 0) {
      text.append(missing).append(" more approval").append(missing == 1 ? "" : "s");
      text.append(approvers.isEmpty() ? " from anyone" : " from " + String.join(" or ", approvers));
    }
    if (separateFromStarter && approvedBy.stream().allMatch(person -> person.equals(starter))) {
      text.append(text.length() == 0 ? "" : "; ").append("an approval from someone other than ").append(starter)
          .append(", who started the run");
    }
    return text.toString();
  }

  GateView view() {
    return new GateView(step.id(), step.description(), approvers, needed, approvedBy(), waitingFor());
  }
}
