package cutover.testing;

import cutover.worker.TemporalConnection;
import cutover.worker.TemporalDevServer;
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
    server = TemporalDevServer.start(binary, TemporalDevServer.freePort(), withUi ? TemporalDevServer.freePort() : 0,
        dir.resolve("temporal.db"), dir.resolve("temporal.log"));
    connection = TemporalConnection.open(server.address(), TemporalConnection.DEFAULT_NAMESPACE);
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
