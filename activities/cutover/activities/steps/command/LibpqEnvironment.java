package cutover.activities.steps.command;

import cutover.activities.Targets;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The step's target for the programs a {@code command} step runs ({@code psql}, {@code pg_dump},
 * a script), in libpq's own environment variables, derived from the target's JDBC URL:
 * {@code PGHOST} and {@code PGPORT} (comma lists for several hosts), {@code PGDATABASE},
 * {@code PGUSER}, {@code PGSSLMODE}, {@code PGSSLROOTCERT}, {@code PGCONNECT_TIMEOUT},
 * {@code PGOPTIONS} (with {@code currentSchema} as {@code search_path}),
 * {@code PGTARGETSESSIONATTRS} and {@code PGAPPNAME}. The password goes in a pass file of its own
 * ({@code PGPASSFILE}, mode 0600, deleted when the command ends), not in {@code PGPASSWORD},
 * which other users may read from a process's environment on some systems. Every {@code PG*}
 * variable the worker itself has is removed first, so nothing points the command elsewhere.
 *
 * <p>The values exist only in the child's environment: the step's outcome and report name the
 * variables set, never their values.
 */
final class LibpqEnvironment implements AutoCloseable {
  private static final String PREFIX = "jdbc:postgresql:";
  private static final int DEFAULT_PORT = 5432;

  private final Map<String, String> variables;
  private final Path passFile;

  private LibpqEnvironment(Map<String, String> variables, Path passFile) {
    this.variables = variables;
    this.passFile = passFile;
  }

  /**
   * @param applicationName what the command's sessions show as {@code application_name}, unless the URL names one
   * @throws IllegalArgumentException when the URL is not a PostgreSQL JDBC URL (the message holds no part of it)
   */
  static LibpqEnvironment of(Targets.Target target, String applicationName) throws IOException {
    String url = target.jdbcUrl();
    if (!url.startsWith(PREFIX)) {
      throw new IllegalArgumentException("the target's URL does not start with " + PREFIX);
    }
    String rest = url.substring(PREFIX.length());
    Map<String, String> parameters = new LinkedHashMap<>();
    int query = rest.indexOf('?');
    if (query >= 0) {
      for (String pair : rest.substring(query + 1).split("&")) {
        int equals = pair.indexOf('=');
        if (equals > 0) {
          parameters.put(decode(pair.substring(0, equals)), decode(pair.substring(equals + 1)));
        }
      }
      rest = rest.substring(0, query);
    }
    List<String> hosts = new ArrayList<>();
    List<String> ports = new ArrayList<>();
    String database;
    if (rest.startsWith("//")) {
      rest = rest.substring(2);
      int slash = rest.indexOf('/');
      String authority = slash < 0 ? rest : rest.substring(0, slash);
      database = slash < 0 ? "" : rest.substring(slash + 1);
      for (String address : authority.split(",")) {
        hostAndPort(address, hosts, ports);
      }
    } else {
      database = rest.startsWith("/") ? rest.substring(1) : rest;
    }
    if (hosts.isEmpty()) {
      hosts.add("localhost");
      ports.add(String.valueOf(DEFAULT_PORT));
    }
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("PGHOST", String.join(",", hosts));
    variables.put("PGPORT", String.join(",", ports));
    putIfGiven(variables, "PGDATABASE", decode(database));
    putIfGiven(variables, "PGUSER", target.user() != null ? target.user() : parameters.get("user"));
    String sslMode = parameters.get("sslmode");
    // pgjdbc's ssl=true without sslmode verifies the server fully
    putIfGiven(variables, "PGSSLMODE", sslMode != null ? sslMode
        : "true".equalsIgnoreCase(parameters.get("ssl")) ? "verify-full" : null);
    putIfGiven(variables, "PGSSLROOTCERT", parameters.get("sslrootcert"));
    putIfGiven(variables, "PGCONNECT_TIMEOUT", parameters.get("connectTimeout"));
    putIfGiven(variables, "PGOPTIONS", options(parameters));
    putIfGiven(variables, "PGTARGETSESSIONATTRS", sessionAttributes(parameters.get("targetServerType")));
    String application = parameters.get("ApplicationName");
    variables.put("PGAPPNAME", application != null ? application : applicationName);
    String password = target.password() != null ? target.password() : parameters.get("password");
    Path passFile = null;
    if (password != null) {
      passFile = Files.createTempFile("cutover-pgpass-", "",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      passFile.toFile().deleteOnExit();
      Files.writeString(passFile, "*:*:*:*:" + password.replace("\\", "\\\\").replace(":", "\\:") + "\n",
          StandardCharsets.UTF_8);
      variables.put("PGPASSFILE", passFile.toString());
    }
    return new LibpqEnvironment(variables, passFile);
  }

  /** Puts the target's variables in a child's environment, after removing the worker's own PG* ones. */
  void applyTo(Map<String, String> environment) {
    environment.keySet().removeIf(name -> name.startsWith("PG"));
    environment.putAll(variables);
  }

  /** The names of the variables set, for the step's report. */
  List<String> names() {
    return List.copyOf(variables.keySet());
  }

  /** Deletes the pass file. */
  @Override
  public void close() throws IOException {
    if (passFile != null) {
      Files.deleteIfExists(passFile);
    }
  }

  private static void hostAndPort(String address, List<String> hosts, List<String> ports) {
    String host = address;
    String port = String.valueOf(DEFAULT_PORT);
    int colon = address.startsWith("[") ? address.indexOf(':', address.indexOf(']')) : address.lastIndexOf(':');
    if (colon >= 0) {
      host = address.substring(0, colon);
      port = address.substring(colon + 1);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    hosts.add(host.isEmpty() ? "localhost" : host);
    ports.add(port.isEmpty() ? String.valueOf(DEFAULT_PORT) : port);
  }

  /** The URL's {@code options}, and its {@code currentSchema} as a search_path, as libpq's PGOPTIONS. */
  private static String options(Map<String, String> parameters) {
    List<String> options = new ArrayList<>();
    if (parameters.get("options") != null) {
      options.add(parameters.get("options"));
    }
    String schema = parameters.get("currentSchema");
    if (schema != null) {
      options.add("-c search_path=" + schema.replace("\\", "\\\\").replace(" ", "\\ "));
    }
    return options.isEmpty() ? null : String.join(" ", options);
  }

  /** pgjdbc's targetServerType in libpq's words. */
  private static String sessionAttributes(String serverType) {
    if (serverType == null) {
      return null;
    }
    return switch (serverType.toLowerCase(Locale.ROOT)) {
      case "primary", "master" -> "primary";
      case "secondary", "slave" -> "standby";
      case "prefersecondary", "preferslave" -> "prefer-standby";
      default -> "any";
    };
  }

  private static void putIfGiven(Map<String, String> variables, String name, String value) {
    if (value != null && !value.isEmpty()) {
      variables.put(name, value);
    }
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }
}
