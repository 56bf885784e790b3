package cutover.starter;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;

/**
 * A warm JVM for the operator's short verbs, which {@code bin/cutover} sends its command to: a
 * cold JVM spends a second or more loading and compiling gRPC and Temporal's client for each call,
 * a warm one answers in tens of milliseconds. It runs the same {@link CutoverCli} with the
 * caller's environment (the Temporal variables, {@code CUTOVER_CONFIG}, {@code HOME}), so the
 * output and exit code are those of {@code java -jar cutover.jar}.
 *
 * <p>It listens on 127.0.0.1 only and answers only requests carrying the random token it writes,
 * with its port, to a file only its user can read. It exits after {@link #IDLE} without a request.
 *
 * <p>Request, lines of UTF-8: {@code cutover-cli 1}, the token, the number of environment entries
 * and each as {@code NAME=VALUE}, the number of arguments and each. Reply: a line {@code EXIT
 * OUT_BYTES ERR_BYTES}, then stdout's bytes, then stderr's; or the line {@code unserved} for a
 * command it does not run, which the launcher then runs in a JVM of its own.
 */
final class CliDaemon {
  static final String PROTOCOL = "cutover-cli 1";
  static final Duration IDLE = Duration.ofMinutes(30);

  /** The verbs it runs: they read no file named relative to the caller's directory and do not run for long. */
  static final Set<String> SERVED = Set.of("status", "list", "approve", "reject", "skip", "retry", "rollback", "pause",
      "resume", "tune");

  private final ServerSocket socket;
  private final String token;
  private final AtomicLong lastRequest = new AtomicLong(System.nanoTime());

  private CliDaemon(ServerSocket socket, String token) {
    this.socket = socket;
    this.token = token;
  }

  /**
   * {@code java -cp cutover.jar cutover.starter.CliDaemon FILE STAMP}: serves until idle, having
   * written {@code PORT TOKEN STAMP PID} to FILE (STAMP says which jar it runs, so a rebuilt jar gets a new daemon).
   */
  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    CliDaemon daemon = open();
    Thread warmUp = new Thread(CliDaemon::warmUp, "cutover-cli-warm-up");
    warmUp.setDaemon(true);
    warmUp.start();
    daemon.announce(file, args[1]);
    try {
      daemon.serve(IDLE);
    } finally {
      daemon.retire(file);
    }
  }

  /**
   * Loads what every call needs (the command line, gRPC and Temporal's client, the JSON mapper)
   * before the first call comes, so the first is fast too. Connects to nothing.
   */
  private static void warmUp() {
    CutoverCli.commandLine(Map.of(), Path.of(System.getProperty("user.home"))).parseArgs("status", "warm-up");
    try (cutover.worker.TemporalConnection unused = cutover.worker.TemporalConnection.open(
        cutover.worker.TemporalConnection.DEFAULT_ADDRESS, cutover.worker.TemporalConnection.DEFAULT_NAMESPACE)) {
      cutover.worker.CutoverDataConverter.mapper();
    }
  }

  static CliDaemon open() throws IOException {
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    return new CliDaemon(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), HexFormat.of().formatHex(secret));
  }

  int port() {
    return socket.getLocalPort();
  }

  String token() {
    return token;
  }

  /** Writes {@code PORT TOKEN STAMP PID} to {@code file}, readable by this user only, replacing any older daemon's. */
  void announce(Path file, String stamp) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    Path written = Files.createTempFile(directory, ".cli-daemon", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(written, port() + " " + token + " " + stamp + " " + ProcessHandle.current().pid() + "\n");
    Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Removes the announcement if it is still this daemon's. */
  void retire(Path file) {
    try {
      if (Files.readString(file).startsWith(port() + " " + token + " ")) {
        Files.delete(file);
      }
    } catch (IOException gone) {
      // another daemon replaced it, or it was removed: nothing to do
    }
  }

  /** Answers requests, each on a thread of its own, until {@code idle} passes without one. */
  void serve(Duration idle) throws IOException {
    socket.setSoTimeout(1000);
    while (System.nanoTime() - lastRequest.get() < idle.toNanos()) {
      Socket connection;
      try {
        connection = socket.accept();
      } catch (SocketTimeoutException quiet) {
        continue;
      }
      lastRequest.set(System.nanoTime());
      Thread handler = new Thread(() -> answer(connection), "cutover-cli-request");
      handler.setDaemon(true);
      handler.start();
    }
    socket.close();
  }

  void close() throws IOException {
    socket.close();
  }

  private void answer(Socket connection) {
    try (connection) {
      connection.setSoTimeout(10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = connection.getOutputStream();
      if (!PROTOCOL.equals(in.readLine()) || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
          String.valueOf(in.readLine()).getBytes(StandardCharsets.UTF_8))) {
        return; // not our launcher: no answer
      }
      Map<String, String> environment = new HashMap<>();
      int entries = Integer.parseInt(in.readLine().trim());
      for (int i = 0; i < entries; i++) {
        String entry = in.readLine();
        int equals = entry.indexOf('=');
        if (equals > 0) {
          environment.put(entry.substring(0, equals), entry.substring(equals + 1));
        }
      }
      List<String> args = new ArrayList<>();
      int count = Integer.parseInt(in.readLine().trim());
      for (int i = 0; i < count; i++) {
        args.add(in.readLine());
      }
      if (args.isEmpty() || !SERVED.contains(args.get(0))) {
        out.write("unserved\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      ByteArrayOutputStream stderr = new ByteArrayOutputStream();
      int code = run(environment, args, stdout, stderr);
      out.write((code + " " + stdout.size() + " " + stderr.size() + "\n").getBytes(StandardCharsets.UTF_8));
      stdout.writeTo(out);
      stderr.writeTo(out);
      out.flush();
    } catch (IOException | RuntimeException broken) {
      // the launcher went away, or sent something else: it runs the command itself when it gets no answer
    } finally {
      lastRequest.set(System.nanoTime());
    }
  }

  /** Runs one command as {@code java -jar cutover.jar} would with this environment. */
  static int run(Map<String, String> environment, List<String> args, OutputStream stdout, OutputStream stderr) {
    String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
    CommandLine cli = CutoverCli.commandLine(environment, Path.of(home));
    PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(stderr, StandardCharsets.UTF_8), true);
    cli.setOut(out);
    cli.setErr(err);
    int code = cli.execute(args.toArray(String[]::new));
    out.flush();
    err.flush();
    return code;
  }
}
