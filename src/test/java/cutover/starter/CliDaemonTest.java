package cutover.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm JVM behind bin/cutover: it answers as the CLI would with the caller's environment,
 * only with its token, only for its verbs; and the launcher talks to it (no server needed: the
 * calls fail before they would reach one).
 */
class CliDaemonTest {
  @TempDir Path dir;
  private CliDaemon daemon;
  private Thread serving;

  @BeforeEach
  void start() throws Exception {
    daemon = CliDaemon.open();
    serving = new Thread(() -> {
      try {
        daemon.serve(Duration.ofMinutes(1));
      } catch (Exception closed) {
        // closed by the test
      }
    });
    serving.start();
  }

  @AfterEach
  void stop() throws Exception {
    daemon.close();
    serving.join(5000);
  }

  private String ask(String token, Map<String, String> environment, String... args) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), daemon.port())) {
      StringBuilder request = new StringBuilder(CliDaemon.PROTOCOL + "\n" + token + "\n" + environment.size() + "\n");
      environment.forEach((k, v) -> request.append(k).append('=').append(v).append('\n'));
      request.append(args.length).append('\n');
      for (String arg : args) {
        request.append(arg).append('\n');
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void answersItsVerbsAsTheCliWouldWithTheCallersEnvironmentAndNothingElse() throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, "adress: typo\n");
    Map<String, String> environment = Map.of("CUTOVER_CONFIG", config.toString(), "HOME", dir.toString());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int expected = CliDaemon.run(environment, List.of("status", "r"), out, err);
    assertEquals(CutoverCli.BAD_INPUT, expected);

    String answer = ask(daemon.token(), environment, "status", "r");
    String error = err.toString(StandardCharsets.UTF_8);
    assertTrue(error.contains(config + ":1:1: unknown key 'adress'"), error);
    assertEquals(expected + " 0 " + err.size() + "\n" + error, answer);

    assertEquals("unserved\n", ask(daemon.token(), environment, "plan", "validate", "x.yaml"));
    assertEquals("", ask("0".repeat(32), environment, "status", "r"), "a wrong token gets no answer");
  }

  @Test
  void theLauncherSendsItsCallToTheDaemonOfItsJar() throws Exception {
    Path jar = Files.writeString(dir.resolve("cutover.jar"), "not a jar: a call not sent to the daemon fails");
    String stamp = Files.getLastModifiedTime(jar).toInstant().getEpochSecond() + "-" + Files.size(jar);
    Path announcement = dir.resolve("cli-daemon");
    daemon.announce(announcement, stamp);
    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(announcement));

    ProcessBuilder launcher = new ProcessBuilder("bash", "bin/cutover", "tune", "r", "--address", "127.0.0.1:1");
    launcher.environment().putAll(Map.of("CUTOVER_JAR", jar.toString(), "CUTOVER_CLI_DIR", dir.toString()));
    Process process = launcher.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(CutoverCli.BAD_INPUT, process.waitFor(), out + err);
    assertEquals("", out);
    assertEquals("cutover tune: give --batch-size N, --rate R, or both\n", err);
  }
}
