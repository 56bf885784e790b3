package cutover.worker;

import cutover.activities.Targets;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Targets as the worker's configuration gives them: environment variables
 * {@code CUTOVER_TARGET_<NAME>_URL|_USER|_PASSWORD}, and a properties file
 * ({@code --targets-file}, or {@code CUTOVER_TARGETS_FILE}) with {@code <name>.url},
 * {@code <name>.user}, {@code <name>.password} or {@code <name>.passwordEnv}.
 */
public final class TargetConfig {
  public static final String FILE_VARIABLE = "CUTOVER_TARGETS_FILE";

  private TargetConfig() {}

  public static Targets load(Path file) throws IOException {
    Path chosen = file;
    if (chosen == null && System.getenv(FILE_VARIABLE) != null) {
      chosen = Path.of(System.getenv(FILE_VARIABLE));
    }
    Properties properties = new Properties();
    if (chosen != null) {
      try (Reader reader = Files.newBufferedReader(chosen)) {
        properties.load(reader);
      }
    }
    return Targets.fromEnvironment(System.getenv(), properties);
  }
}
