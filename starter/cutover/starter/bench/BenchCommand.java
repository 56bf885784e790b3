package cutover.starter.bench;

import cutover.starter.CutoverCli;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cutover bench ...}: cutover measured against the database's own limits, in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    subcommands = {BenchBackfill.Backfill.class, BenchParity.Parity.class, BenchFaults.Faults.class, BenchCli.Cli.class},
    description = "Benchmarks (not part of the tests): `cutover bench backfill`, `cutover bench parity`, `cutover bench faults`, "
        + "`cutover bench cli`.")
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return CutoverCli.BAD_INPUT;
  }
}
