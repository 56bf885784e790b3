package cutover.activities.steps;

import cutover.activities.steps.approval.ApprovalEvidence;

/**
 * One step held by the phase workflow until it passes: approvals given, a timer fired, a soak
 * held. Operators' decisions reach it through {@link #decide} while it holds.
 */
public interface Gate {

  /** Holds until the gate passes or gives way. @return null when it passed, else why it did not */
  String pass();

  /** Whether the gate is holding now, so that decisions reach it. */
  boolean holding();

  /** Whether this gate takes decisions of that kind (a wait takes skips, not approvals). */
  boolean takes(Decision decision);

  /** @return why the decision is refused, or null when it is accepted */
  String decide(Decision decision, String by, String comment);

  /**
   * What an approver signs at this gate (the plan version and the findings it shows), or null for
   * a gate that takes no signed decisions.
   */
  default ApprovalEvidence evidence() {
    return null;
  }

  /**
   * A decision whose signature, over this gate's {@link #evidence}, the worker verified as made by
   * {@code principal}'s key.
   *
   * @return why the decision is refused, or null when it is accepted
   */
  default String decideSigned(Decision decision, String principal, String comment) {
    return decide(decision, principal, comment);
  }

  /** What status shows of a gate waiting for people, or null. */
  default GateView view() {
    return null;
  }
}
