package cutover.starter;

import cutover.activities.StepAction;
import cutover.activities.StepHeartbeat;
import cutover.activities.StepProgress;
import cutover.workflows.CutoverStatus;
import cutover.workflows.DecisionView;
import cutover.activities.steps.GateView;
import cutover.activities.steps.StepKind;
import cutover.activities.steps.StepKinds;
import cutover.activities.steps.StepState;
import cutover.workflows.PhaseStatus;
import cutover.workflows.RunState;
import cutover.workflows.StepView;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;

/** Renders a run's status for a terminal. */
final class StatusPrinter {
  private StatusPrinter() {}

  static void print(RunStatus status, PrintWriter out) {
    print(status, out, "");
  }

  /**
   * @param hintFlags what the commands it prints need to reach the same server ({@link
   *     TemporalOptions#hintFlags()}): empty at the default address and namespace
   */
  static void print(RunStatus status, PrintWriter out, String hintFlags) {
    CutoverStatus c = status.cutover();
    PhaseStatus current = status.phase();
    WorkflowEnding ending = status.ending() == null || status.ending().completed() ? null : status.ending();
    if (c != null && c.startedBy() == null && ending != null) {
      // the ledger never recorded the run: refused (busy target, unknown plan, used id) before any step
      out.printf("run %s was refused before it began: nothing was applied%n", status.workflowId());
      out.printf("Temporal: %s%n", ending.how());
      return;
    }
    if (c != null) {
      out.printf("run %s · plan %s (%s) · target %s · started by %s%n", c.run(), c.plan(),
          c.planHash() == null ? "?" : c.planHash().substring(0, Math.min(12, c.planHash().length())), c.target(),
          c.startedBy());
      if (c.instant() != null) {
        out.println("T = " + c.instant() + c.instantMoments().stream().map(m -> ", " + m).collect(Collectors.joining()));
      }
      out.printf("state %s%s%n", ending != null ? "workflow " + ending.how() : c.state(),
          c.currentPhase() == null ? "" : " · phase " + c.currentPhase());
      for (CutoverStatus.PhaseView phase : c.phases()) {
        boolean running = current != null && phase.name().equals(current.phase());
        out.printf("  phase %-20s %s%n", phase.name(), running ? current.state() : phase.state().word());
        printSteps(running ? current.steps() : phase.steps(), out);
      }
      if (!c.compensations().isEmpty()) {
        out.println("  compensations of earlier phases:");
        printSteps(c.compensations(), out);
      }
    } else if (current != null) {
      out.printf("phase %s of plan %s · run %s · target %s · state %s%n", current.phase(), current.plan(), current.run(),
          current.target(), ending != null ? "workflow " + ending.how() : current.state());
      printSteps(current.steps(), out);
    }
    if (status.progress() != null) {
      printProgress(status.progress(), out);
    }
    if (status.lockWaits() != null) {
      printLockWaits(status.lockWaits(), out);
    }
    if (current != null) {
      printPhaseDetail(current, c == null ? current.run() : c.run(), out, hintFlags);
    }
    boolean pastPointOfNoReturn = current != null && current.pointOfNoReturn() != null;
    if (c != null && !c.earlierPhasesRollbackWouldUndo().isEmpty() && c.state() != RunState.COMPLETED
        && !pastPointOfNoReturn) {
      out.println("rollback would then undo (finished phases, in order): "
          + String.join(", ", c.earlierPhasesRollbackWouldUndo()));
    }
    String error = c != null && c.lastError() != null ? c.lastError() : current == null ? null : current.lastError();
    if (error != null) {
      out.println("error: " + error);
    }
    List<String> notices = status.notices();
    if (!notices.isEmpty()) {
      out.println("notices:");
      notices.stream().skip(Math.max(0, notices.size() - 8)).forEach(n -> out.println("  " + n));
    }
  }

  private static void printSteps(List<StepView> steps, PrintWriter out) {
    for (StepView step : steps) {
      out.printf("    %s %-28s %-9s %8s  %s%s%n", mark(step.state()), step.id(), step.kind(),
          step.millis() == null ? "" : step.millis() + " ms", step.outcome() == null ? word(step.state()) : step.outcome(),
          step.pointOfNoReturn() ? "  [point of no return]" : "");
    }
  }

  /** Each running backfill part's last heartbeat: rows, estimate, rate, ETA, batch size, pause or throttle. */
  static void printProgress(List<StepProgress> progress, PrintWriter out) {
    for (StepProgress p : progress) {
      out.printf("  %s %s part %d/%d: %s%n", p.action() == StepAction.COMPENSATE ? "undoing" : "backfill", p.stepId(),
          p.part() + 1, p.parts(), p.describe());
    }
  }

  /** Each step retrying lock timeouts: who blocks it, for how long, and what is left of its lockRetryFor. */
  static void printLockWaits(List<StepHeartbeat> waits, PrintWriter out) {
    for (StepHeartbeat wait : waits) {
      String part = wait.progress() == null ? ""
          : " part " + (wait.progress().part() + 1) + "/" + wait.progress().parts();
      out.printf("  %s%s waits for locks: %s%n",
          wait.action() == StepAction.COMPENSATE ? "compensation of " + wait.stepId() : wait.stepId(), part,
          wait.lockWait().describe());
    }
  }

  private static void printPhaseDetail(PhaseStatus phase, String run, PrintWriter out, String hintFlags) {
    if (phase.waves() != null) {
      WavePrinter.print(phase.waves(), out);
    }
    for (GateView gate : phase.pendingGates()) {
      out.printf("waiting at gate %s: %s%n", gate.gate(), gate.waitingFor());
      out.printf("  approve: cutover approve %s --gate %s%s --comment \"...\"%n", run, gate.gate(), hintFlags);
      out.printf("  reject:  cutover reject %s --gate %s%s --comment \"...\"%n", run, gate.gate(), hintFlags);
      if (gate.planHash() != null) {
        out.printf("  sign:    cutover approve %s --gate %s%s --sign-with ~/.ssh/id_ed25519 (signatures %s; signs plan %s"
            + " and findings %s)%n", run, gate.gate(), hintFlags, gate.signatures(), gate.planHash(),
            gate.findingsDigest());
      }
    }
    for (DecisionView d : phase.decisions()) {
      out.printf("decision: %s %s by %s%s%s%n", d.decision().word(), d.gate(), d.by() + (d.signed() ? " (signed)" : ""),
          d.comment() == null ? "" : " (\"" + d.comment() + "\")", d.accepted() ? "" : " — REFUSED: " + d.refusal());
    }
    if (phase.state() == RunState.FAILED_WAITING) {
      phase.steps().stream().filter(s -> s.state() == StepState.FAILED
              && StepKinds.ALL.find(s.kind()).map(StepKind::findingsAcceptable).orElse(false))
          .findFirst().ifPresent(s -> out.printf("  findings known and acceptable? cutover accept %s --step %s%s "
              + "--reason \"...\"%n", run, s.id(), hintFlags));
    }
    if (phase.pointOfNoReturn() != null) {
      out.println("point of no return passed at step " + phase.pointOfNoReturn() + ": rollback is refused");
    } else if (!phase.rollbackWouldUndo().isEmpty()) {
      out.println("rollback would undo (this phase, in order): " + String.join(", ", phase.rollbackWouldUndo()));
    }
  }

  static String mark(StepState state) {
    return state == null ? "·" : switch (state) {
      case COMPLETED -> "✓";
      case ACCEPTED -> "≈";
      case RUNNING, COMPENSATING -> "▶";
      case WAITING -> "⏸";
      case FAILED, COMPENSATION_FAILED -> "✗";
      case COMPENSATED -> "↶";
      case STOPPED -> "■";
      case PENDING -> "·";
    };
  }

  private static String word(StepState state) {
    return state == null ? "?" : state.word();
  }
}
