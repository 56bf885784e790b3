package cutover.starter;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A default every command can take from the environment or the config file: its key in the
 * config file, the option it is the default of, and the Temporal CLI's environment variables
 * for it (the first set one wins), so a shell set up for {@code temporal} works for {@code cutover}.
 */
enum CliSetting {
  ADDRESS("address", "--address", Value.TEXT, "TEMPORAL_ADDRESS"),
  NAMESPACE("namespace", "--namespace", Value.TEXT, "TEMPORAL_NAMESPACE"),
  TLS("tls", "--tls", Value.BOOLEAN, "TEMPORAL_TLS"),
  TLS_CERT("tls-cert", "--tls-cert", Value.FILE, "TEMPORAL_TLS_CERT", "TEMPORAL_TLS_CLIENT_CERT_PATH"),
  TLS_KEY("tls-key", "--tls-key", Value.FILE, "TEMPORAL_TLS_KEY", "TEMPORAL_TLS_CLIENT_KEY_PATH"),
  TLS_CA("tls-ca", "--tls-ca", Value.FILE, "TEMPORAL_TLS_CA", "TEMPORAL_TLS_SERVER_CA_CERT_PATH"),
  TLS_SERVER_NAME("tls-server-name", "--tls-server-name", Value.TEXT, "TEMPORAL_TLS_SERVER_NAME"),
  TLS_DISABLE_HOST_VERIFICATION("tls-disable-host-verification", "--tls-disable-host-verification", Value.BOOLEAN,
      "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION"),
  API_KEY("api-key", "--api-key", Value.TEXT, "TEMPORAL_API_KEY"),
  /** Who acts, for approve, start, push and the other verbs with {@code --as}. */
  AS("as", "--as", Value.TEXT),
  /** The read verbs' format. */
  OUTPUT("output", "--output", Value.OUTPUT);

  /** What a setting's value must be. */
  enum Value { TEXT, BOOLEAN, FILE, OUTPUT }

  final String key;
  final String option;
  final Value value;
  final List<String> environment;

  CliSetting(String key, String option, Value value, String... environment) {
    this.key = key;
    this.option = option;
    this.value = value;
    this.environment = List.of(environment);
  }

  static Optional<CliSetting> ofKey(String key) {
    return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
  }

  static Optional<CliSetting> ofOption(String option) {
    return Arrays.stream(values()).filter(s -> s.option.equals(option)).findFirst();
  }

  static String keys() {
    return Arrays.stream(values()).map(s -> s.key).collect(Collectors.joining(", "));
  }

  /** Whether an option of this Java type takes this setting (report's {@code --output FILE} does not take a format). */
  boolean fits(Class<?> type) {
    return switch (value) {
      case TEXT -> type == String.class;
      case BOOLEAN -> type == Boolean.class || type == boolean.class;
      case FILE -> type == java.nio.file.Path.class;
      case OUTPUT -> type == OutputOptions.Format.class;
    };
  }
}
