package cutover.starter;

import cutover.activities.steps.Decision;
import cutover.activities.steps.GateView;
import cutover.activities.steps.approval.ApprovalEvidence;
import cutover.activities.steps.approval.SshSignatures;
import cutover.worker.TemporalConnection;
import cutover.workflows.CutoverPhaseWorkflow;
import cutover.workflows.DecisionView;
import cutover.workflows.GateDecision;
import cutover.workflows.OperatorAction;
import cutover.workflows.OperatorSignal;
import cutover.workflows.OperatorSignals;
import cutover.workflows.SignalAnswer;
import cutover.workflows.Tuning;
import java.io.IOException;
import io.temporal.client.WorkflowNotFoundException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The signals people send: decisions at gates, and retry / rollback / pause / resume. */
final class OperatorCommands {
  private OperatorCommands() {}

  abstract static class Signal implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin TemporalOptions temporal;

    @Parameters(paramLabel = "RUN", description = "the run id (the Cutover workflow id), or a CutoverPhase workflow id")
    String run;

    @Option(names = "--as", description = "who is acting (default: the OS user)")
    String as;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }

    /**
     * Sends the signal to the run; a run that has finished, or that Temporal does not have, is said
     * so instead, with nothing changed.
     *
     * @return false when the signal could not be sent
     */
    boolean send(TemporalConnection connection, String signal, Object payload) {
      try {
        connection.client().newUntypedWorkflowStub(run).signal(signal, payload);
        return true;
      } catch (WorkflowNotFoundException notRunning) {
        Optional<WorkflowEnding> ending = WorkflowEnding.of(connection, run);
        err().println(ending.isPresent()
            ? "the " + signal + " changed nothing: run " + run + " has finished (" + ending.get().how() + ")"
            : "the " + signal + " changed nothing: Temporal has no run " + run + ". If Temporal lost the run, "
                + "`cutover status " + run + temporal.hintFlags() + "` shows what the ledger has");
        return false;
      }
    }
  }

  abstract static class Decide extends Signal {
    @Option(names = "--gate", required = true, description = "the gate's step id (approval, wait or soak)")
    String gate;

    @Option(names = "--comment", description = "why")
    String comment;

    @Option(names = "--sign-with", paramLabel = "KEY",
        description = "sign the decision with this SSH private key (e.g. ~/.ssh/id_ed25519; a .pub file signs through "
            + "ssh-agent): the worker checks it against its allowed signers, and the key's principal is the approver")
    Path signWith;

    /** The decision, which is the command's own name ({@code approve}, {@code reject}, {@code skip}). */
    Decision decision() {
      return Decision.of(spec.name());
    }

    @Override
    public Integer call() throws InterruptedException {
      String requestId = UUID.randomUUID().toString();
      String word = decision().word();
      if (signWith != null && decision() == Decision.SKIP) {
        err().println("cutover skip: a skip is not signed; leave out --sign-with");
        return CutoverCli.BAD_INPUT;
      }
      // a signed decision is made by the key's principal; --as only picks one when the key has several
      String who = signWith == null ? Operators.who(as) : as;
      try (TemporalConnection connection = temporal.connect()) {
        GateDecision payload = new GateDecision(gate, who, comment, requestId);
        String phaseWorkflowId = null;
        if (signWith != null) {
          RunStatus status = RunStatus.query(connection, run);
          Optional<GateDecision> signed = sign(status, requestId);
          if (signed.isEmpty()) {
            return CutoverCli.FAILED;
          }
          payload = signed.get();
          phaseWorkflowId = status.cutover() == null ? null : status.cutover().currentPhaseWorkflowId();
        }
        if (!send(connection, OperatorSignal.of(decision()).word(), payload)) {
          return CutoverCli.FAILED;
        }
        // a signature is checked by an activity on the worker before the answer comes
        Optional<Answered> answered = awaitAnswer(connection, run, requestId, signWith == null ? 50 : 150,
            phaseWorkflowId);
        if (answered.isEmpty()) {
          out().printf("%s of gate %s sent; see `cutover status %s%s`%n", word, gate, run, temporal.hintFlags());
          return CutoverCli.OK;
        }
        Optional<DecisionView> view = decision(answered.get(), requestId);
        String by = view.map(d -> d.by() + (d.signed() ? " (signed)" : "")).orElse(who == null ? "you" : who);
        if (!answered.get().answer().accepted()) {
          err().printf("%s of gate %s by %s was refused: %s%n", word, gate, by,
              view.map(DecisionView::refusal).orElse(answered.get().answer().message()));
          return CutoverCli.FAILED;
        }
        out().printf("%s of gate %s by %s recorded%n", word, gate, by);
        return CutoverCli.OK;
      }
    }

    /**
     * Signs the decision over what the gate shows in status: the run, the gate, the decision, the
     * plan version and the digest of the findings, which are printed so the signer sees them.
     *
     * @return the signed payload; empty (with the reason on stderr) when there is nothing to sign
     */
    private Optional<GateDecision> sign(RunStatus status, String requestId) {
      Optional<GateView> waiting = status.phase() == null ? Optional.empty()
          : status.phase().pendingGates().stream().filter(g -> gate.equals(g.gate())).findFirst();
      if (waiting.isEmpty() || waiting.get().planHash() == null) {
        err().printf("gate %s of run %s is not waiting for a signed decision; nothing was signed or sent%n", gate, run);
        return Optional.empty();
      }
      GateView view = waiting.get();
      if (!ApprovalEvidence.digest(view.findings()).equals(view.findingsDigest())) {
        err().printf("the findings of gate %s do not match their digest %s; nothing was signed or sent%n", gate,
            view.findingsDigest());
        return Optional.empty();
      }
      out().printf("signing %s of gate %s of run %s over plan %s and these findings (%s):%n", decision().word(), gate,
          status.phase().run(), view.planHash(), view.findingsDigest());
      view.findings().forEach(line -> out().println("  " + line));
      String message = ApprovalEvidence.message(status.phase().run(), gate, decision(), view.planHash(),
          view.findingsDigest());
      try {
        String signature = SshSignatures.sign(signWith, message);
        return Optional.of(new GateDecision(gate, as, comment, requestId, signature, view.planHash(),
            view.findingsDigest()));
      } catch (IOException e) {
        err().println(e.getMessage() + "; nothing was sent");
        return Optional.empty();
      }
    }

    /** The phase's record of the decision; a decision the cutover could not deliver has only its answer. */
    private static Optional<DecisionView> decision(Answered answered, String requestId) {
      List<DecisionView> decisions = answered.status().phase() == null ? List.of() : answered.status().phase().decisions();
      return decisions.stream().filter(d -> requestId.equals(d.requestId())).findFirst();
    }
  }

  /** A workflow's answer, and the status it was read from. */
  record Answered(SignalAnswer answer, RunStatus status) {}

  /**
   * The workflow's answer to the signal sent with {@code requestId}: the running phase's if it has
   * one (it acts on forwarded signals), else the cutover's; empty if none came while it slept {@code looks} × 200 ms
   * between looks.
   */
  static Optional<Answered> awaitAnswer(TemporalConnection connection, String run, String requestId, int looks)
      throws InterruptedException {
    return awaitAnswer(connection, run, requestId, looks, null);
  }

  /**
   * As above; {@code phaseWorkflowId} is the phase the signal went to, if known. A phase that
   * finished right after answering (its gate passed, its last steps ran) is no longer the
   * cutover's current phase, but its answers stay queryable.
   */
  static Optional<Answered> awaitAnswer(TemporalConnection connection, String run, String requestId, int looks,
      String phaseWorkflowId) throws InterruptedException {
    String phase = phaseWorkflowId;
    long sleptMillis = 0;
    for (int i = 0; sleptMillis < looks * 200L; i++) {
      RunStatus status = RunStatus.query(connection, run);
      if (status.cutover() != null && status.cutover().currentPhaseWorkflowId() != null) {
        phase = status.cutover().currentPhaseWorkflowId();
      } else if (status.phase() == null && phase != null) {
        try {
          status = new RunStatus(status.workflowId(), status.cutover(),
              connection.client().newWorkflowStub(CutoverPhaseWorkflow.class, phase).status(), status.progress(),
              status.lockWaits(), status.ending());
        } catch (RuntimeException gone) {
          // no longer queryable (retention): the cutover's own answers are all there is
        }
      }
      RunStatus answered = status;
      Optional<SignalAnswer> answer = find(status.phase() == null ? List.of() : status.phase().answers(), requestId)
          .or(() -> find(answered.cutover() == null ? List.of() : answered.cutover().answers(), requestId));
      if (answer.isPresent()) {
        return Optional.of(new Answered(answer.get(), status));
      }
      // most answers come within a workflow task or two: look often at first
      long pause = i < 20 ? 50 : 200;
      Thread.sleep(pause);
      sleptMillis += pause;
    }
    return Optional.empty();
  }
  private static Optional<SignalAnswer> find(List<SignalAnswer> answers, String requestId) {
    return answers.stream().filter(a -> requestId.equals(a.requestId())).findFirst();
  }

  @Command(name = OperatorSignals.APPROVE, mixinStandardHelpOptions = true, description = "Approve a gate.")
  static final class Approve extends Decide {}

  @Command(name = OperatorSignals.REJECT, mixinStandardHelpOptions = true,
      description = "Reject a gate: the phase waits for retry (reopens the gate) or rollback.")
  static final class Reject extends Decide {}

  @Command(name = OperatorSignals.SKIP, mixinStandardHelpOptions = true,
      description = "End a wait or soak gate now; recorded with who and why.")
  static final class Skip extends Decide {}

  abstract static class Act extends Signal {
    @Option(names = "--reason", description = "why (recorded in the ledger)")
    String reason;

    /** The signal, which is the command's own name ({@code retry}, {@code rollback}, ...). */
    OperatorSignal signal() {
      return OperatorSignal.of(spec.name());
    }

    Object payload(String who, String requestId) {
      return new OperatorAction(who, reason, requestId);
    }

    @Override
    public Integer call() throws InterruptedException {
      String requestId = UUID.randomUUID().toString();
      String who = Operators.who(as);
      try (TemporalConnection connection = temporal.connect()) {
        if (!send(connection, signal().word(), payload(who, requestId))) {
          return CutoverCli.FAILED;
        }
        Optional<SignalAnswer> answer = awaitAnswer(connection, run, requestId, 50).map(Answered::answer);
        if (answer.isEmpty()) {
          out().printf("%s sent to %s; see `cutover status %s%s`%n", signal().word(), run, run, temporal.hintFlags());
          return CutoverCli.OK;
        }
        (answer.get().accepted() ? out() : err()).println(answer.get().message());
        return answer.get().accepted() ? CutoverCli.OK : CutoverCli.FAILED;
      }
    }
  }

  @Command(name = OperatorSignals.RETRY, mixinStandardHelpOptions = true, description = "Retry the failed step or compensation.")
  static final class Retry extends Act {}

  @Command(name = OperatorSignals.ROLLBACK, mixinStandardHelpOptions = true,
      description = "Undo completed steps in reverse order, across phases; refused after the point of no return.")
  static final class Rollback extends Act {}

  @Command(name = OperatorSignals.PAUSE, mixinStandardHelpOptions = true,
      description = "Hold work before the next step; a running backfill pauses after its current batch.")
  static final class Pause extends Act {}

  @Command(name = OperatorSignals.RESUME, mixinStandardHelpOptions = true, description = "Let a paused run go on.")
  static final class Resume extends Act {}

  @Command(name = OperatorSignals.TUNE, mixinStandardHelpOptions = true,
      description = "Change the running backfill's batch size or rate cap, from its next batch on.")
  static final class Tune extends Act {
    @Option(names = "--batch-size", paramLabel = "N",
        description = "rows per batch from now on (100-1000000); 0 lets the size adapt to the batch time again")
    Integer batchSize;

    @Option(names = "--rate", paramLabel = "R", description = "rows per second for the whole step; 0 removes the cap")
    Long rate;

    @Override
    OperatorSignal signal() {
      return OperatorSignal.TUNE;
    }

    @Override
    Object payload(String who, String requestId) {
      return new Tuning(who, reason, batchSize, rate, requestId);
    }

    @Override
    public Integer call() throws InterruptedException {
      if (batchSize == null && rate == null) {
        err().println("cutover tune: give --batch-size N, --rate R, or both");
        return CutoverCli.BAD_INPUT;
      }
      return super.call();
    }
  }
}
