package cutover.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Servers an earlier {@code cutover dev} left running on the same state folder. Its shutdown hook
 * stops them; a {@code kill -9} skips the hook, and the Temporal server and PostgreSQL it started
 * go on holding their ports, the SQLite file and the data directory, so the next {@code cutover
 * dev} could not start. They are found by their command lines, which name those files.
 */
final class LeftoverServers {
  private static final Duration GRACE = Duration.ofSeconds(15);

  private LeftoverServers() {}

  /** Stops a {@code temporal server start-dev} holding {@code dbFile}; says what it stopped, if anything. */
  static List<String> stopTemporal(Path dbFile) {
    Path held = absolute(dbFile);
    return stop("Temporal dev server", ProcessHandle::destroy, arguments -> arguments.contains("start-dev")
        && held.equals(valueOf(arguments, "--db-filename").map(LeftoverServers::absolute).orElse(null)));
  }

  /**
   * Stops a {@code postgres} server running on {@code dataDirectory} by its fast shutdown
   * (SIGINT: it ends the sessions still connected, such as an application's, and shuts down
   * cleanly); says what it stopped, if anything. Its smart shutdown (SIGTERM) would wait for
   * those sessions, and after a SIGKILL its backends outlive it for a moment, holding the shared
   * memory a new server on the same directory needs.
   */
  static List<String> stopPostgres(Path dataDirectory) {
    Path held = absolute(dataDirectory);
    return stop("PostgreSQL server", LeftoverServers::interrupt, arguments -> held.equals(valueOf(arguments, "-D")
        .map(LeftoverServers::absolute).orElse(null)));
  }

  /** SIGINT, which Java's process API cannot send. */
  private static void interrupt(ProcessHandle process) {
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start().waitFor();
    } catch (java.io.IOException e) {
      process.destroy(); // no kill command: the smart shutdown, then SIGKILL after the grace
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<String> stop(String what, Consumer<ProcessHandle> politely,
      Predicate<List<String>> holds) {
    List<String> said = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    ProcessHandle.allProcesses()
        .filter(p -> p.pid() != self && p.isAlive())
        .filter(p -> p.info().arguments().map(List::of).map(holds::test).orElse(false))
        .forEach(p -> said.add(stop(p, what, politely)));
    return said;
  }

  /** Asks the process to stop ({@code politely}), then SIGKILL after the grace. */
  private static String stop(ProcessHandle process, String what, Consumer<ProcessHandle> politely) {
    CompletableFuture<ProcessHandle> exited = process.onExit();
    politely.accept(process);
    try {
      exited.get(GRACE.toSeconds(), TimeUnit.SECONDS);
      return "stopped the " + what + " (pid " + process.pid() + ") an earlier cutover dev left running";
    } catch (TimeoutException slow) {
      process.destroyForcibly();
      return "killed the " + what + " (pid " + process.pid() + ") an earlier cutover dev left running: it did not stop"
          + " within " + GRACE.toSeconds() + " s";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "left the " + what + " (pid " + process.pid() + ") running: interrupted while it stopped";
    } catch (ExecutionException e) {
      return "stopped the " + what + " (pid " + process.pid() + ")";
    }
  }

  private static Optional<String> valueOf(List<String> arguments, String flag) {
    int at = arguments.indexOf(flag);
    return at < 0 || at + 1 >= arguments.size() ? Optional.empty() : Optional.of(arguments.get(at + 1));
  }

  private static Path absolute(String path) {
    return absolute(Path.of(path));
  }

  private static Path absolute(Path path) {
    return path.toAbsolutePath().normalize();
  }
}
