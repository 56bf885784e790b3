package cutover.starter;

import cutover.starter.bench.BenchCommand;
import java.nio.file.Path;
import java.util.Map;
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
      FindingsCommands.Accept.class,
      FindingsCommands.Done.class,
      AbandonCommand.class,
      WorkerCommand.class,
      DevCommand.class,
      DemoCommand.class,
      BenchCommand.class,
      CompletionCommand.class,
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
    return commandLine(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /**
   * The command line with its defaults from {@code environment} (the Temporal CLI's variables,
   * {@code CUTOVER_CONFIG}) and the config file; a config file that is wrong fails every command
   * with its problems, exit 2.
   */
  public static CommandLine commandLine(Map<String, String> environment, Path home) {
    CommandLine cli = new CommandLine(new CutoverCli())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler((error, cmd, parsed) -> {
          cmd.getErr().println("cutover: " + Failures.message(error));
          if (environment.get("CUTOVER_DEBUG") != null) {
            error.printStackTrace(cmd.getErr());
          }
          return FAILED;
        });
    CliConfig config;
    try {
      config = CliConfig.load(environment, home);
    } catch (CliConfig.Invalid invalid) {
      config = CliConfig.NONE;
      cli.setExecutionStrategy(parsed -> {
        invalid.problems.forEach(parsed.commandSpec().commandLine().getErr()::println);
        return BAD_INPUT;
      });
    }
    abbreviateSynopses(cli);
    return cli.setDefaultValueProvider(new CliDefaults(environment, config)).setUsageHelpWidth(HELP_WIDTH);
  }

  /** Wide enough that an option's description mostly fits its line; the usual terminal has 80 columns or more. */
  private static final int HELP_WIDTH = 100;

  /** `Usage: cutover start [OPTIONS] PLAN`: the options are listed below it, each once. */
  private static void abbreviateSynopses(CommandLine command) {
    command.getCommandSpec().usageMessage().abbreviateSynopsis(true);
    command.getSubcommands().values().forEach(CutoverCli::abbreviateSynopses);
  }
}
