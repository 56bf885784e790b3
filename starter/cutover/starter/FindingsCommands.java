package cutover.starter;

import cutover.worker.TemporalConnection;
import cutover.workflows.Acceptance;
import cutover.workflows.GateDecision;
import cutover.workflows.OperatorSignal;
import cutover.workflows.OperatorSignals;
import cutover.workflows.SignalAnswer;
import java.util.Optional;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** What a person says about findings: accepting a failed verification's, or that a manual task's work is done. */
final class FindingsCommands {
  private FindingsCommands() {}

  /** A signal about one step, sent by a person named by {@code --by} (else {@code --as}, else the OS user). */
  abstract static class StepSignal extends OperatorCommands.Signal {
    @Option(names = "--step", required = true, description = "the step's id")
    String step;

    @Option(names = "--by", description = "who is acting (default: --as, else the OS user)")
    String by;

    abstract OperatorSignal signal();

    abstract Object payload(String who, String requestId);

    @Override
    public Integer call() throws InterruptedException {
      String requestId = UUID.randomUUID().toString();
      String who = by != null && !by.isBlank() ? by.trim() : Operators.who(as);
      try (TemporalConnection connection = temporal.connect()) {
        if (!send(connection, signal().word(), payload(who, requestId))) {
          return CutoverCli.FAILED;
        }
        Optional<SignalAnswer> answer = OperatorCommands.awaitAnswer(connection, run, requestId, 50)
            .map(OperatorCommands.Answered::answer);
        if (answer.isEmpty()) {
          out().printf("%s of step %s sent; see `cutover status %s%s`%n", signal().word(), step, run,
              temporal.hintFlags());
          return CutoverCli.OK;
        }
        (answer.get().accepted() ? out() : err()).println(answer.get().message());
        return answer.get().accepted() ? CutoverCli.OK : CutoverCli.FAILED;
      }
    }
  }

  @Command(name = OperatorSignals.ACCEPT, mixinStandardHelpOptions = true,
      description = "Accept the findings of a failed check, parity, http or soak, with a reason: the phase goes on.")
  static final class Accept extends StepSignal {
    @Option(names = "--reason", required = true, description = "why the findings are acceptable, e.g. a ticket")
    String reason;

    @Override
    OperatorSignal signal() {
      return OperatorSignal.ACCEPT;
    }

    @Override
    Object payload(String who, String requestId) {
      return new Acceptance(step, who, reason, requestId);
    }
  }

  @Command(name = OperatorSignals.DONE, mixinStandardHelpOptions = true,
      description = "Say a manual task's work is done: its check runs again.")
  static final class Done extends StepSignal {
    @Option(names = "--comment", description = "what was done")
    String comment;

    @Override
    OperatorSignal signal() {
      return OperatorSignal.DONE;
    }

    @Override
    Object payload(String who, String requestId) {
      return new GateDecision(step, who, comment, requestId);
    }
  }
}
