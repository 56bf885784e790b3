package cutover.starter.bench;

import cutover.starter.CutoverCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** How long an operator's call takes end to end, as a process started from a shell, against a running server. */
final class BenchCli {
  private BenchCli() {}

  /** What one call printed and returned, and how long it took. */
  record Call(long millis, int exitCode, String out) {}

  @Command(name = "cli", mixinStandardHelpOptions = true,
      description = {"Time a read verb end to end: `java -jar cutover.jar` against bin/cutover (its daemon).",
          "Against a running server (e.g. `cutover dev`) and a run it has (e.g. one waiting at its gate). The "
              + "launcher starts with a state folder of its own, so its first call is a first use (the daemon "
              + "starts, the class archive is written); the daemon is stopped at the end. Prints one line per way: "
              + "cli verb=status mode=jar|launcher|archive runs=N median_ms=X p90_ms=Y ... (archive: the launcher "
              + "with CUTOVER_DAEMON=0)"})
  static final class Cli implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--run", required = true, description = "the run to ask about")
    String run;

    @Option(names = "--verb", defaultValue = "status", description = "status or list (default: ${DEFAULT-VALUE})")
    String verb;

    @Option(names = "--runs", defaultValue = "20", description = "calls per way (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--address", defaultValue = "127.0.0.1:7233", description = "the server (default: ${DEFAULT-VALUE})")
    String address;

    @Option(names = "--launcher", defaultValue = "bin/cutover", description = "the launcher (default: ${DEFAULT-VALUE})")
    Path launcher;

    @Option(names = "--jar", description = "the jar (default: the one running this)")
    Path jar;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      Path theJar = jar != null ? jar : runningJar();
      List<String> args = verb.equals("list") ? List.of("list", "--address", address)
          : List.of(verb, run, "--address", address);
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> direct = new ArrayList<>(List.of(java, "-jar", theJar.toString()));
      direct.addAll(args);
      List<Call> jarCalls = time(direct, Map.of(), runs);
      out.println(line("jar", jarCalls, ""));
      out.flush();

      Path state = Files.createTempDirectory("cutover-bench-cli");
      List<String> launched = new ArrayList<>(List.of(launcher.toAbsolutePath().toString()));
      launched.addAll(args);
      Map<String, String> environment = Map.of("CUTOVER_JAR", theJar.toAbsolutePath().toString(), "CUTOVER_CLI_DIR",
          state.toString());
      try {
        Call first = time(launched, environment, 1).get(0);
        // let the daemon the first call started come up, then make it warm
        Thread.sleep(3000);
        time(launched, environment, 3);
        List<Call> launcherCalls = time(launched, environment, runs);
        boolean identical = launcherCalls.stream().allMatch(c -> c.exitCode() == jarCalls.get(0).exitCode()
            && c.out().equals(jarCalls.get(0).out())) && first.out().equals(jarCalls.get(0).out());
        out.println(line("launcher", launcherCalls, " first_ms=" + first.millis() + " identical=" + identical));
        out.flush();
        // the launcher's own JVM, as for the calls the daemon does not take: the class archive, C1 only
        Map<String, String> noDaemon = new java.util.HashMap<>(environment);
        noDaemon.put("CUTOVER_DAEMON", "0");
        List<Call> archiveCalls = time(launched, noDaemon, runs);
        boolean archiveIdentical = archiveCalls.stream().allMatch(c -> c.exitCode() == jarCalls.get(0).exitCode()
            && c.out().equals(jarCalls.get(0).out()));
        out.println(line("archive", archiveCalls, " identical=" + archiveIdentical));
        return identical && archiveIdentical ? CutoverCli.OK : CutoverCli.FAILED;
      } finally {
        ProcessBuilder stop = new ProcessBuilder(launched.get(0), "daemon", "stop").redirectErrorStream(true);
        stop.environment().putAll(environment);
        stop.start().waitFor();
      }
    }

    private String line(String mode, List<Call> calls, String more) {
      long[] millis = calls.stream().mapToLong(Call::millis).sorted().toArray();
      return String.format("cli verb=%s mode=%s runs=%d median_ms=%d p90_ms=%d exit=%d%s", verb, mode, millis.length,
          millis[(millis.length - 1) / 2], millis[Math.min(millis.length - 1, (int) Math.ceil(millis.length * 0.9) - 1)],
          calls.get(0).exitCode(), more);
    }

    private static List<Call> time(List<String> command, Map<String, String> environment, int times)
        throws IOException, InterruptedException {
      List<Call> calls = new ArrayList<>();
      for (int i = 0; i < times; i++) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(environment);
        long began = System.nanoTime();
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = process.waitFor();
        calls.add(new Call((System.nanoTime() - began) / 1_000_000, code, out));
      }
      return calls;
    }

    private static Path runningJar() throws URISyntaxException {
      return Path.of(CutoverCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
  }
}
