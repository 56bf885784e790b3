package cutover.worker;

import cutover.activities.Targets;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarFile;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The other targets an example's plan reads besides {@code demo} (a staging copy, another region):
 * one per file {@code examples/NAME/targets/<target>.sql}. Each target's database is loaded like
 * the example's own (its {@code schema.sql} and {@code data.sql}), then with its file, which makes
 * it what it is. The worker only reads them ({@code serve=false}), as the source of a copy between
 * targets or a side of a parity.
 */
public final class ExampleTargets implements AutoCloseable {
  private final EmbeddedPostgres postgres;
  private final List<Targets.Target> targets;

  private ExampleTargets(EmbeddedPostgres postgres, List<Targets.Target> targets) {
    this.postgres = postgres;
    this.targets = targets;
  }

  /** The names of the example's other targets, sorted; none for most examples. */
  public static List<String> names(String example) {
    String folder = "examples/" + example + "/targets/";
    TreeSet<String> names = new TreeSet<>();
    try {
      Path location = Path.of(ExampleTargets.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isDirectory(location)) {
        Path targets = location.resolve(folder);
        if (Files.isDirectory(targets)) {
          try (var files = Files.list(targets)) {
            files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".sql")).forEach(names::add);
          }
        }
      } else {
        try (JarFile jar = new JarFile(location.toFile())) {
          jar.stream().map(entry -> entry.getName()).filter(name -> name.startsWith(folder) && name.endsWith(".sql")
              && name.indexOf('/', folder.length()) < 0).forEach(name -> names.add(name.substring(folder.length())));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return names.stream().map(file -> file.substring(0, file.length() - ".sql".length())).toList();
  }

  /** The SQL that makes a target's database, in order: the example's schema and data, then the target's own file. */
  public static List<String> loading(String example, String target) throws IOException {
    return List.of(DevEnvironment.exampleFile(example, "schema.sql"), DevEnvironment.exampleFile(example, "data.sql"),
        DevEnvironment.exampleFile(example, "targets/" + target + ".sql"));
  }

  /** Runs the loading SQL of an example's target on a database. */
  public static void load(Connection connection, String example, String target) throws IOException, SQLException {
    try (Statement sql = connection.createStatement()) {
      for (String script : loading(example, target)) {
        sql.execute(script);
      }
    }
  }

  /**
   * For {@code cutover demo}: an embedded PostgreSQL of its own (a second server, as a staging
   * copy is) with one database per target of the example, each owned by a role with a random
   * password and loaded; nothing is started for an example without other targets.
   */
  public static ExampleTargets start(String example) throws IOException, SQLException {
    List<String> names = names(example);
    if (names.isEmpty()) {
      return new ExampleTargets(null, List.of());
    }
    EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
    try {
      List<Targets.Target> targets = new ArrayList<>();
      for (String name : names) {
        String role = "cutover_" + name.replaceAll("[^a-z0-9]", "_");
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        try (Connection admin = postgres.getPostgresDatabase().getConnection()) {
          DSLContext sql = DSL.using(admin, SQLDialect.POSTGRES);
          sql.execute("CREATE ROLE {0} LOGIN PASSWORD {1}", DSL.name(role), DSL.inline(password));
          sql.execute("CREATE DATABASE {0} OWNER {1}", DSL.name(name), DSL.name(role));
        }
        Targets.Target target = new Targets.Target(name, "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/"
            + name, role, password, false);
        try (Connection connection = DriverManager.getConnection(target.jdbcUrl(), role, password)) {
          load(connection, example, name);
        }
        targets.add(target);
      }
      return new ExampleTargets(postgres, List.copyOf(targets));
    } catch (IOException | SQLException | RuntimeException e) {
      postgres.close();
      throw e;
    }
  }

  /** The targets, each only read by the worker; credentials stay on this machine. */
  public Targets targets() {
    return Targets.of(targets);
  }

  /** Where the targets' databases listen, or -1 when the example has none. */
  public int port() {
    return postgres == null ? -1 : postgres.getPort();
  }

  @Override
  public void close() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }
}
