package cutover.testing;

import cutover.worker.TemporalConnection;
import cutover.worker.TemporalDevServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Temporal server per test class: {@code temporal server start-dev} on free ports with a
 * fresh database file under {@code target/temporal-dev/}. Without the Temporal CLI the class is
 * skipped, saying how to get it; with {@code CI=true} that is a failure instead.
 * <p>The binary: system property {@code cutover.temporal}, else {@code temporal} on PATH.
 */
public final class TemporalDevServerExtension implements BeforeAllCallback, AfterAllCallback {
  private final boolean withUi;
  private TemporalDevServer server;
  private TemporalConnection connection;

  /** @param withUi serve the Web UI too (on a free port) */
  public TemporalDevServerExtension(boolean withUi) {
    this.withUi = withUi;
  }

  /** The Temporal CLI, or the test is skipped (outside CI) or fails (CI=true). */
  public static Path binaryOrSkip() {
    String property = System.getProperty("cutover.temporal");
    Optional<Path> binary = property == null || property.isBlank() ? TemporalDevServer.find()
        : Optional.of(Path.of(property)).filter(Files::isExecutable);
    if (binary.isEmpty()) {
      String message = "the Temporal CLI (`temporal`) is not on PATH" + (property == null ? "" : " nor at " + property)
          + ": " + TemporalDevServer.HOW_TO_INSTALL;
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError("CI=true but " + message + "; .ci/run installs it");
      }
      Assumptions.assumeTrue(false, message + " — skipping the real-server tests");
    }
    return binary.get();
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Path binary = binaryOrSkip();
    Path dir = Files.createDirectories(Path.of("target", "temporal-dev"));
    dir = Files.createTempDirectory(dir, context.getRequiredTestClass().getSimpleName() + "-");
    server = startOnFreePorts(binary, dir);
    connection = TemporalConnection.open(server.address(), TemporalConnection.DEFAULT_NAMESPACE);
  }

  /**
   * Test JVMs run side by side, each starting servers whose ports are free when chosen: another
   * server may bind one before this one does (it then exits at once), so try again on new ports.
   */
  private TemporalDevServer startOnFreePorts(Path binary, Path dir) throws IOException {
    IOException lastFailure = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        return TemporalDevServer.start(binary, TemporalDevServer.freePort(), withUi ? TemporalDevServer.freePort() : 0,
            dir.resolve("temporal-" + attempt + ".db"), dir.resolve("temporal-" + attempt + ".log"));
      } catch (IOException exited) {
        if (!exited.getMessage().contains("address already in use")) {
          throw exited;
        }
        lastFailure = exited;
      }
    }
    throw lastFailure;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (connection != null) {
      connection.close();
    }
    if (server != null) {
      server.close();
    }
  }

  public TemporalDevServer server() {
    return server;
  }

  public String address() {
    return server.address();
  }

  public TemporalConnection connection() {
    return connection;
  }
}
