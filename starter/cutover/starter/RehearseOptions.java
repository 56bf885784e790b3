package cutover.starter;

import picocli.CommandLine.Option;

/** The options of {@code cutover start --rehearse}. */
final class RehearseOptions {
  enum Output { table, json }

  @Option(names = "--rehearse", description = "run the plan's sql steps on the target in a transaction that is rolled "
      + "back: each statement's time and locks, and the steps that cannot be rehearsed and why; nothing is committed, "
      + "no run is started")
  boolean rehearse;

  @Option(names = "--phase", paramLabel = "PHASE", description = "with --rehearse: only this phase (default: every "
      + "phase, in order, in the one transaction)")
  String phase;

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "table",
      description = "with --rehearse: table or json (default: ${DEFAULT-VALUE})")
  Output output;
}
