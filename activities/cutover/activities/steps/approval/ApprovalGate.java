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
 * it. Decisions already in the ledger (a resumed run) stand, but a signed approval among them is
 * void if the plan version or the findings it was signed over changed since.
 *
 * <p>An approval may be signed ({@code cutover approve --sign-with KEY}): the worker checks the
 * signature against its allowed signers and the principal it names is the approver. Where the
 * plan ({@code signed: required}) or the worker ({@code --require-signed-approvals}) requires
 * signatures, an unsigned approval is refused; a rejection may always be unsigned.
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
    ApprovalSpec.Signatures signed = fields.optionalChoice("signed", ApprovalSpec.Signatures.class,
        ApprovalSpec.Signatures.ALLOWED);
    if (approvers != null && !approvers.isEmpty() && approvals != null && approvals > approvers.size()) {
      fields.problem("approvals", "needs " + approvals + " approvals but lists only " + approvers.size() + " approvers",
          "lower approvals or add approvers");
    }
    return new ApprovalSpec(approvers, approvals, separate, signed);
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
    /** Who of approvedBy signed. */
    private final Set<String> signedBy = new LinkedHashSet<>();
    private String rejection;
    private boolean holding;
    /** The worker's rules and what a signer signs; null on gates opened before signed approvals. */
    private ApprovalPolicy policy;
    private ApprovalEvidence evidence;

    Open(PlanStep step, ApprovalSpec spec, GateContext context) {
      this.step = step;
      this.spec = spec;
      this.context = context;
    }

    @Override
    public String pass() {
      // gates opened before signed approvals asked the worker nothing: their histories keep replaying
      if (Workflow.getVersion("signed-approvals", Workflow.DEFAULT_VERSION, 1) >= 1) {
        policy = context.approvals().policy();
        evidence = new ApprovalEvidence(context.planHash(), context.findings());
      }
      replay(context.ledger().gateDecisions(new GateRef(context.target(), context.run(), step.id())));
      if (!passed() && rejection == null) {
        holding = true;
        // recorded since the report's timeline: histories of gates opened before keep replaying
        if (Workflow.getVersion("gate-opened-event", Workflow.DEFAULT_VERSION, 1) >= 1) {
          context.event(RunEventKind.GATE_OPENED, null, "waiting for " + waitingFor());
        }
        context.waitingForPeople(waitingFor());
        context.awaitPeople(() -> passed() || rejection != null || context.rollbackRequested());
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
      if (decision == Decision.APPROVE && signaturesRequired() != null) {
        return "gate '" + step.id() + "' takes only signed approvals (" + signaturesRequired() + "): sign it with "
            + "`cutover approve " + context.run() + " --gate " + step.id() + " --sign-with ~/.ssh/id_ed25519`";
      }
      return take(decision, by, comment, false);
    }

    @Override
    public ApprovalEvidence evidence() {
      return evidence;
    }

    @Override
    public String decideSigned(Decision decision, String principal, String comment) {
      return take(decision, principal, comment, true);
    }

    /** Who requires signed approvals here, in words; null when unsigned ones count. */
    private String signaturesRequired() {
      if (spec.signed() == ApprovalSpec.Signatures.REQUIRED) {
        return "the plan says signed: required";
      }
      return policy != null && policy.requireSigned() ? "the worker requires signed approvals" : null;
    }

    private String take(Decision decision, String by, String comment, boolean signed) {
      List<String> approvers = spec.approvers();
      if (!approvers.isEmpty() && !approvers.contains(by)) {
        return by + " may not decide gate '" + step.id() + "'; its approvers are: " + String.join(", ", approvers);
      }
      if (decision == Decision.APPROVE) {
        if (!approvedBy.add(by)) {
          return by + " has already approved gate '" + step.id() + "'";
        }
        if (signed) {
          signedBy.add(by);
        }
      } else {
        rejection = "gate '" + step.id() + "' rejected by " + by
            + (comment == null || comment.isBlank() ? "" : ": " + comment);
      }
      return null;
    }

    /**
     * Replays decisions recorded in the ledger (a resumed run). A rejection was followed by a
     * retry that reopened the gate, so only approvals after the last rejection count, and of
     * those not the signed ones whose plan version or findings changed since they were signed,
     * nor unsigned ones where signatures are now required.
     */
    private void replay(List<DecisionRecord> accepted) {
      int lastReject = -1;
      for (int i = 0; i < accepted.size(); i++) {
        if (Decision.REJECT.word().equals(accepted.get(i).decision())) {
          lastReject = i;
        }
      }
      for (int i = lastReject + 1; i < accepted.size(); i++) {
        DecisionRecord approval = accepted.get(i);
        String whyVoid = voided(approval);
        if (whyVoid != null) {
          String text = "the approval of gate '" + step.id() + "' by " + approval.decidedBy() + " is void: " + whyVoid;
          context.notice(text);
          context.event(RunEventKind.APPROVAL_VOID, approval.decidedBy(), text);
          continue;
        }
        approvedBy.add(approval.decidedBy());
        if (approval.signed()) {
          signedBy.add(approval.decidedBy());
        }
      }
    }

    /** Why a recorded approval no longer counts, or null. */
    private String voided(DecisionRecord approval) {
      if (evidence == null) {
        return null;
      }
      if (approval.signed()) {
        return evidence.changedSince(approval.planHash(), approval.findingsDigest());
      }
      String required = signaturesRequired();
      return required == null ? null : "it is unsigned and " + required;
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
          new ArrayList<>(approvedBy), waitingFor(), signaturesRequired() == null ? ApprovalSpec.Signatures.ALLOWED.word()
          : ApprovalSpec.Signatures.REQUIRED.word(), evidence == null ? null : evidence.planHash(),
          evidence == null ? List.of() : evidence.findings(), evidence == null ? null : evidence.findingsDigest(),
          new ArrayList<>(signedBy));
    }
  }
}
