package cutover.activities.steps.approval;

import cutover.activities.DecisionRecord;
import cutover.activities.GateRef;
import cutover.activities.RunEventKind;
import cutover.activities.steps.Decision;
import cutover.activities.steps.Gate;
import cutover.activities.steps.GateContext;
import cutover.activities.steps.GateEvents;
import cutover.activities.steps.DefinedKind;
import cutover.activities.steps.GateKind;
import cutover.activities.steps.GateView;
import cutover.plan.PlanStep;
import cutover.plan.StepFields;
import cutover.plan.Undo;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code kind: approval} — waits for people: the {@code approve} / {@code reject} signals decide
 * it. Decisions already in the ledger (a resumed run) stand.
 */
public final class ApprovalGate extends DefinedKind<ApprovalSpec> implements GateKind<ApprovalSpec> {
  static final String NAME = "approval";

  public ApprovalGate() {
    super(NAME, Undo.NOTHING, Execution.WORKFLOW, ApprovalSpec.class);
  }

  @Override
  public ApprovalSpec read(StepFields fields) {
    List<String> approvers = fields.optionalStringList("approvers");
    Integer approvals = fields.optionalInteger("approvals", 1, 20, null);
    boolean separate = fields.optionalBoolean("separateFromStarter", false);
    if (approvers != null && !approvers.isEmpty() && approvals != null && approvals > approvers.size()) {
      fields.problem("approvals", "needs " + approvals + " approvals but lists only " + approvers.size() + " approvers",
          "lower approvals or add approvers");
    }
    return new ApprovalSpec(approvers, approvals, separate);
  }

  @Override
  public GateEvents events() {
    return new GateEvents(RunEventKind.GATE_OPENED, List.of(), true);
  }

  @Override
  public Gate open(PlanStep step, ApprovalSpec spec, GateContext context) {
    return new Open(step, spec, context);
  }

  /** An open approval gate: who may decide, who has approved, and whether it has passed. */
  static final class Open implements Gate {
    private final PlanStep step;
    private final ApprovalSpec spec;
    private final GateContext context;
    private final Set<String> approvedBy = new LinkedHashSet<>();
    private String rejection;
    private boolean holding;

    Open(PlanStep step, ApprovalSpec spec, GateContext context) {
      this.step = step;
      this.spec = spec;
      this.context = context;
    }

    @Override
    public String pass() {
      replay(context.ledger().gateDecisions(new GateRef(context.target(), context.run(), step.id())));
      if (!passed() && rejection == null) {
        holding = true;
        // recorded since the report's timeline: histories of gates opened before keep replaying
        if (Workflow.getVersion("gate-opened-event", Workflow.DEFAULT_VERSION, 1) >= 1) {
          context.event(RunEventKind.GATE_OPENED, null, "waiting for " + waitingFor());
        }
        context.waitingForPeople(waitingFor());
        Workflow.await(() -> passed() || rejection != null || context.rollbackRequested());
        holding = false;
        // The decisions that passed or rejected the gate are in the ledger before anything moves on:
        // a resumed run finds them there.
        context.flush();
      }
      if (passed()) {
        context.completed("approved by " + String.join(", ", approvedBy), null, null);
        context.running();
        return null;
      }
      String why = rejection != null ? rejection : "rollback requested while waiting for approval";
      context.failed(why);
      return why;
    }

    @Override
    public boolean holding() {
      return holding;
    }

    @Override
    public boolean takes(Decision decision) {
      return decision == Decision.APPROVE || decision == Decision.REJECT;
    }

    @Override
    public String decide(Decision decision, String by, String comment) {
      List<String> approvers = spec.approvers();
      if (!approvers.isEmpty() && !approvers.contains(by)) {
        return by + " may not decide gate '" + step.id() + "'; its approvers are: " + String.join(", ", approvers);
      }
      if (decision == Decision.APPROVE) {
        if (!approvedBy.add(by)) {
          return by + " has already approved gate '" + step.id() + "'";
        }
      } else {
        rejection = "gate '" + step.id() + "' rejected by " + by
            + (comment == null || comment.isBlank() ? "" : ": " + comment);
      }
      return null;
    }

    /**
     * Replays decisions recorded in the ledger (a resumed run). A rejection was followed by a
     * retry that reopened the gate, so only approvals after the last rejection count.
     */
    private void replay(List<DecisionRecord> accepted) {
      int lastReject = -1;
      for (int i = 0; i < accepted.size(); i++) {
        if (Decision.REJECT.word().equals(accepted.get(i).decision())) {
          lastReject = i;
        }
      }
      for (int i = lastReject + 1; i < accepted.size(); i++) {
        approvedBy.add(accepted.get(i).decidedBy());
      }
    }

    private boolean passed() {
      return approvedBy.size() >= spec.approvals()
          && (!spec.separateFromStarter() || approvedBy.stream().anyMatch(p -> !p.equals(context.startedBy())));
    }

    private String waitingFor() {
      int missing = Math.max(0, spec.approvals() - approvedBy.size());
      StringBuilder text = new StringBuilder();
      if (missing > 0) {
        text.append(missing).append(" more approval").append(missing == 1 ? "" : "s");
        text.append(spec.approvers().isEmpty() ? " from anyone" : " from " + String.join(" or ", spec.approvers()));
      }
      if (spec.separateFromStarter() && approvedBy.stream().allMatch(p -> p.equals(context.startedBy()))) {
        text.append(text.length() == 0 ? "" : "; ").append("an approval from someone other than ")
            .append(context.startedBy()).append(", who started the run");
      }
      return text.toString();
    }

    @Override
    public GateView view() {
      return new GateView(step.id(), step.description(), spec.approvers(), spec.approvals(),
          new ArrayList<>(approvedBy), waitingFor());
    }
  }
}
