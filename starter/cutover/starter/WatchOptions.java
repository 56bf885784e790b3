package cutover.starter;

import picocli.CommandLine.Option;

/** The options of {@code cutover status --watch}. */
final class WatchOptions {
  @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
      description = "with --watch: seconds between two looks at the run (default: ${DEFAULT-VALUE})")
  double intervalSeconds;

  @Option(names = "--as", paramLabel = "NAME",
      description = "with --watch: who will answer the gates, put into the commands it shows (default: the OS user)")
  String as;

  /** {@code --as} for the gate commands shown: none when it names the OS user, whom the commands default to. */
  String asForCommands() {
    return as == null || as.isBlank() || as.trim().equals(Operators.who(null)) ? null : as.trim();
  }
}
