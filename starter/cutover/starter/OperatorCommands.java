package cutover.starter;

import cutover.worker.TemporalConnection;
import cutover.workflows.DecisionView;
import cutover.workflows.GateDecision;
import cutover.workflows.OperatorAction;
import cutover.workflows.Tuning;
import java.io.PrintWriter;
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
  }

  abstract static class Decide extends Signal {
    @Option(names = "--gate", required = true, description = "the gate's step id (approval, wait or soak)")
    String gate;

    @Option(names = "--comment", description = "why")
    String comment;

    /** The signal, which is the command's own name ({@code approve}, {@code reject}, {@code skip}). */
    String decision() {
      return spec.name();
    }

    @Override
    public Integer call() throws InterruptedException {
      String requestId = UUID.randomUUID().toString();
      String who = Operators.who(as);
      try (TemporalConnection connection = temporal.connect()) {
        connection.client().newUntypedWorkflowStub(run).signal(decision(), new GateDecision(gate, who, comment, requestId));
        for (int i = 0; i < 50; i++) {
          Optional<DecisionView> seen = find(RunStatus.query(connection, run), requestId);
          if (seen.isPresent()) {
            DecisionView d = seen.get();
            if (!d.accepted()) {
              err().printf("%s of gate %s by %s was refused: %s%n", decision(), gate, who, d.refusal());
              return CutoverCli.FAILED;
            }
            out().printf("%s of gate %s by %s recorded%n", decision(), gate, who);
            return CutoverCli.OK;
          }
          Thread.sleep(200);
        }
        out().printf("%s of gate %s sent; see `cutover status %s`%n", decision(), gate, run);
        return CutoverCli.OK;
      }
    }

    private static Optional<DecisionView> find(RunStatus status, String requestId) {
      List<DecisionView> decisions = status.phase() == null ? List.of() : status.phase().decisions();
      return decisions.stream().filter(d -> requestId.equals(d.requestId())).findFirst();
    }
  }

  @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a gate.")
  static final class Approve extends Decide {}

  @Command(name = "reject", mixinStandardHelpOptions = true,
      description = "Reject a gate: the phase waits for retry (reopens the gate) or rollback.")
  static final class Reject extends Decide {}

  @Command(name = "skip", mixinStandardHelpOptions = true,
      description = "End a wait or soak gate now; recorded with who and why.")
  static final class Skip extends Decide {}

  abstract static class Act extends Signal {
    @Option(names = "--reason", description = "why (recorded in the ledger)")
    String reason;

    /** The signal, which is the command's own name ({@code retry}, {@code rollback}, ...). */
    String signal() {
      return spec.name();
    }

    Object payload(String who) {
      return new OperatorAction(who, reason);
    }

    @Override
    public Integer call() throws InterruptedException {
      String who = Operators.who(as);
      try (TemporalConnection connection = temporal.connect()) {
        // Compared whole, not by size: a workflow keeps only its latest notices.
        List<String> before = notices(RunStatus.query(connection, run));
        connection.client().newUntypedWorkflowStub(run).signal(signal(), payload(who));
        for (int i = 0; i < 25; i++) {
          List<String> notices = notices(RunStatus.query(connection, run));
          if (!notices.isEmpty() && !notices.equals(before)) {
            String last = notices.get(notices.size() - 1);
            boolean refused = last.contains("refused") || last.contains("ignored");
            (refused ? err() : out()).println(last);
            return refused ? CutoverCli.FAILED : CutoverCli.OK;
          }
          Thread.sleep(200);
        }
        out().printf("%s sent to %s; see `cutover status %s`%n", signal(), run, run);
        return CutoverCli.OK;
      }
    }

    private static List<String> notices(RunStatus status) {
      List<String> all = new java.util.ArrayList<>();
      if (status.cutover() != null) {
        all.addAll(status.cutover().notices());
      }
      if (status.phase() != null) {
        all.addAll(status.phase().notices());
      }
      return all;
    }
  }

  @Command(name = "retry", mixinStandardHelpOptions = true, description = "Retry the failed step or compensation.")
  static final class Retry extends Act {}

  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = "Undo completed steps in reverse order, across phases; refused after the point of no return.")
  static final class Rollback extends Act {}

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Hold work before the next step; a running backfill pauses after its current batch.")
  static final class Pause extends Act {}

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Let a paused run go on.")
  static final class Resume extends Act {}

  @Command(name = "tune", mixinStandardHelpOptions = true,
      description = "Change the running backfill's batch size or rate cap, from its next batch on.")
  static final class Tune extends Act {
    @Option(names = "--batch-size", paramLabel = "N",
        description = "rows per batch from now on (100-1000000); 0 lets the size adapt to the batch time again")
    Integer batchSize;

    @Option(names = "--rate", paramLabel = "R", description = "rows per second for the whole step; 0 removes the cap")
    Long rate;

    @Override
    Object payload(String who) {
      return new Tuning(who, reason, batchSize, rate);
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
