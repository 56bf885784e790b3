package cutover.starter;

import cutover.starter.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cutover} command line. Exit codes: 0 success, 1 a failed operation, 2 bad usage or input. */
@Command(
    name = "cutover",
    mixinStandardHelpOptions = true,
    version = "cutover 0.1.0",
    description = "Durable PostgreSQL cutovers on Temporal.",
    subcommands = {
      PlanCommand.class,
      StartCommand.class,
      StatusCommand.class,
      ListCommand.class,
      ReportCommand.class,
      OperatorCommands.Approve.class,
      OperatorCommands.Reject.class,
      OperatorCommands.Skip.class,
      OperatorCommands.Retry.class,
      OperatorCommands.Rollback.class,
      OperatorCommands.Pause.class,
      OperatorCommands.Resume.class,
      OperatorCommands.Tune.class,
      AbandonCommand.class,
      WorkerCommand.class,
      DevCommand.class,
      DemoCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class CutoverCli {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int BAD_INPUT = 2;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    return new CommandLine(new CutoverCli())
        .setExecutionExceptionHandler((error, cmd, parsed) -> {
          cmd.getErr().println("cutover: " + Failures.message(error));
          if (System.getenv("CUTOVER_DEBUG") != null) {
            error.printStackTrace(cmd.getErr());
          }
          return FAILED;
        });
  }
}
