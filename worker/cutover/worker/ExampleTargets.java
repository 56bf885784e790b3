package cutover.worker;

import cutover.activities.Targets;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The targets an example's plan reads besides {@code demo}, declared in
 * {@code examples/NAME/targets.yaml}: the other database of a copy between targets (a residency's,
 * a staging copy's). Each is a name, the example's SQL files that make its schema and data, run in
 * order (one file, or a list: a staging copy loads the example's own {@code schema.sql} and
 * {@code data.sql}, then its differences), and whether the worker serves it ({@code serve: false},
 * the default: it is only read).
 *
 * <pre>
 * targets:
 *   - name: region-af
 *     sql: region-af.sql
 *   - name: staging
 *     sql: [schema.sql, data.sql, targets/staging.sql]
 *     serve: false
 * </pre>
 *
 * {@link #start(String)} gives {@code cutover demo} these targets on a second embedded PostgreSQL
 * server, one database each, loaded with its SQL.
 */
public final class ExampleTargets implements AutoCloseable {
  static final String FILE = "targets.yaml";
  private static final String ROLE = "cutover_example";

  /** One declared target: its name, the example's SQL files that fill it (in order), and whether the worker serves it. */
  public record Declared(String name, List<String> sqlFiles, boolean serve) {
    public Declared {
      sqlFiles = List.copyOf(sqlFiles);
    }
  }

  private final EmbeddedPostgres server;
  private final List<Targets.Target> targets;

  private ExampleTargets(EmbeddedPostgres server, List<Targets.Target> targets) {
    this.server = server;
    this.targets = List.copyOf(targets);
  }

  /** The example's declared targets, none when it has no {@code targets.yaml}. */
  public static List<Declared> declared(String example) throws IOException {
    String text;
    try {
      text = DevEnvironment.exampleFile(example, FILE);
    } catch (IOException none) {
      return List.of();
    }
    String file = "examples/" + example + "/" + FILE;
    Object top;
    try {
      top = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (YAMLException e) {
      throw new IOException(file + " is not YAML: " + e.getMessage(), e);
    }
    if (!(top instanceof Map<?, ?> document) || !(document.get("targets") instanceof List<?> entries)) {
      throw new IOException(file + ": expected `targets:`, a list of {name, sql, serve}");
    }
    List<Declared> declared = new ArrayList<>();
    for (Object entry : entries) {
      Object serving = entry instanceof Map<?, ?> target && target.containsKey("serve") ? target.get("serve") : false;
      List<String> files = entry instanceof Map<?, ?> target ? sqlFiles(target.get("sql")) : List.of();
      if (!(entry instanceof Map<?, ?> target) || !(target.get("name") instanceof String name)
          || files.isEmpty() || name.equals(DevEnvironment.DEMO_TARGET) || !(serving instanceof Boolean serve)) {
        throw new IOException(file + ": each target needs name: (not demo), sql: (a file or a list of files), and"
            + " serve: true or false, found " + entry);
      }
      declared.add(new Declared(name, files, serve));
    }
    return List.copyOf(declared);
  }

  /** {@code sql:} as files: one name, or a list of names; empty when it is neither. */
  private static List<String> sqlFiles(Object sql) {
    if (sql instanceof String one) {
      return List.of(one);
    }
    if (sql instanceof List<?> many && !many.isEmpty() && many.stream().allMatch(String.class::isInstance)) {
      return many.stream().map(String.class::cast).toList();
    }
    return List.of();
  }

  /** Runs the SQL files of a declared target, in order, on a connection to its database. */
  public static void load(Connection connection, String example, Declared target) throws IOException, SQLException {
    try (Statement sql = connection.createStatement()) {
      for (String file : target.sqlFiles()) {
        sql.execute(DevEnvironment.exampleFile(example, file));
      }
    }
  }

  /** The names of the example's declared targets. */
  public static List<String> names(String example) throws IOException {
    return declared(example).stream().map(Declared::name).toList();
  }

  /**
   * A second embedded PostgreSQL with a database per declared target, each owned by a role with
   * a fresh random password and loaded with its SQL; no server at all when the example declares none.
   */
  public static ExampleTargets start(String example) throws IOException, SQLException {
    List<Declared> declared = declared(example);
    if (declared.isEmpty()) {
      return new ExampleTargets(null, List.of());
    }
    EmbeddedPostgres server = EmbeddedPostgres.builder().start();
    try {
      String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
      List<Targets.Target> targets = new ArrayList<>();
      try (Connection admin = server.getPostgresDatabase().getConnection()) {
        DSLContext sql = DSL.using(admin, SQLDialect.POSTGRES);
        sql.execute("CREATE ROLE {0} LOGIN PASSWORD {1}", DSL.name(ROLE), DSL.inline(password));
        for (Declared target : declared) {
          String database = target.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
          sql.execute("CREATE DATABASE {0} OWNER {1}", DSL.name(database), DSL.name(ROLE));
          targets.add(new Targets.Target(target.name(), "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/"
              + database, ROLE, password, target.serve()));
        }
      }
      for (int i = 0; i < declared.size(); i++) {
        Targets.Target target = targets.get(i);
        try (Connection connection = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password())) {
          load(connection, example, declared.get(i));
        }
      }
      return new ExampleTargets(server, targets);
    } catch (IOException | SQLException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** The targets, for the worker besides demo (none when the example declares none). */
  public Targets targets() {
    return Targets.of(targets);
  }

  /** The port of the second server, or 0 when there is none. */
  public int port() {
    return server == null ? 0 : server.getPort();
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      server.close();
    }
  }
}
