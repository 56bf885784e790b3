package cutover.testing;

import cutover.activities.Targets;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * One embedded PostgreSQL per test JVM, started on first use and stopped by a shutdown hook.
 * Each test takes a fresh database of its own from {@link #newDatabase(String)}; it belongs to a
 * dedicated login role with a random password, so tests can check that the password never shows.
 */
public final class TestDatabase {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicInteger COUNTER = new AtomicInteger();
  /** The role every test database belongs to. */
  public static final String ROLE = "cutover_tester_" + randomText(6).toLowerCase(Locale.ROOT);
  private static final String PASSWORD = "pw-" + randomText(24);

  private static EmbeddedPostgres server;

  private TestDatabase() {}

  /** The shared server, started on first use. */
  public static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        // pg_stat_activity keeps 1 kB of a session's SQL by default: more, so that tests see cutover's own truncation
        EmbeddedPostgres started = EmbeddedPostgres.builder().setServerConfig("track_activity_query_size", "8192").start();
        try (Connection admin = started.getPostgresDatabase().getConnection()) {
          DSL.using(admin, SQLDialect.POSTGRES)
              .execute("CREATE ROLE {0} LOGIN CREATEDB PASSWORD {1}", DSL.name(ROLE), DSL.inline(PASSWORD));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            started.close();
          } catch (IOException ignored) {
            // the JVM is going away
          }
        }, "embedded-postgres-stop"));
        server = started;
      } catch (IOException e) {
        throw new UncheckedIOException("could not start embedded PostgreSQL", e);
      } catch (SQLException e) {
        throw new IllegalStateException("could not create the test role", e);
      }
    }
    return server;
  }

  /** The password of the test role, for checks that it never appears anywhere. */
  public static String password() {
    server();
    return PASSWORD;
  }

  /**
   * A new, empty database owned by the test role, as a target named {@code prefix} (the database
   * itself gets a unique name starting with the prefix).
   */
  public static Targets.Target newDatabase(String prefix) {
    Targets.Target target = name(prefix);
    String database = target.jdbcUrl().substring(target.jdbcUrl().lastIndexOf('/') + 1);
    try (Connection admin = server().getPostgresDatabase().getConnection()) {
      DSL.using(admin, SQLDialect.POSTGRES).execute("CREATE DATABASE {0} OWNER {1}", DSL.name(database), DSL.name(ROLE));
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + database, e);
    }
    return target;
  }

  /** A target named {@code prefix} for a database of a unique name starting with the prefix, not yet created. */
  private static Targets.Target name(String prefix) {
    String database = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_" + COUNTER.incrementAndGet()
        + "_" + randomText(4).toLowerCase(Locale.ROOT);
    return new Targets.Target(prefix, "jdbc:postgresql://localhost:" + server().getPort() + "/" + database, ROLE,
        PASSWORD);
  }

  /**
   * A new database that is a copy of {@code template}'s (which nobody may be connected to), as a
   * target named {@code prefix}: a fixture loaded once and copied for each test in milliseconds.
   */
  public static Targets.Target copyOf(Targets.Target template, String prefix) {
    Targets.Target copy = name(prefix);
    String source = template.jdbcUrl().substring(template.jdbcUrl().lastIndexOf('/') + 1);
    String database = copy.jdbcUrl().substring(copy.jdbcUrl().lastIndexOf('/') + 1);
    try (Connection admin = server().getPostgresDatabase().getConnection()) {
      DSL.using(admin, SQLDialect.POSTGRES).execute("CREATE DATABASE {0} TEMPLATE {1} OWNER {2}", DSL.name(database),
          DSL.name(source), DSL.name(ROLE));
    } catch (SQLException e) {
      throw new IllegalStateException("could not copy database " + source + " to " + database, e);
    }
    return copy;
  }

  /** A plain JDBC connection (autocommit on) to the target's database, as the target's user. */
  public static Connection connect(Targets.Target target) throws SQLException {
    return connect(target, "cutover-test");
  }

  /**
   * A connection to the target's database as the server's superuser with {@code session_replication_role =
   * replica}, as a logical replication apply or a restore writes: ordinary triggers do not fire for it.
   */
  public static Connection connectAsReplica(Targets.Target target) throws SQLException {
    String database = target.jdbcUrl().substring(target.jdbcUrl().lastIndexOf('/') + 1);
    Connection connection = server().getDatabase("postgres", database).getConnection();
    try (java.sql.Statement s = connection.createStatement()) {
      s.execute("SET session_replication_role = replica");
    }
    return connection;
  }

  /** The first column of the first row of a query with parameters, as a number (a count). */
  public static long count(Targets.Target target, String sql, Object... parameters) throws SQLException {
    try (Connection connection = connect(target); PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  /** A plain JDBC connection that shows the given application_name in pg_stat_activity. */
  public static Connection connect(Targets.Target target, String applicationName) throws SQLException {
    Properties properties = new Properties();
    if (target.user() != null) {
      properties.setProperty("user", target.user());
    }
    if (target.password() != null) {
      properties.setProperty("password", target.password());
    }
    properties.setProperty("ApplicationName", applicationName);
    return DriverManager.getConnection(target.jdbcUrl(), properties);
  }

  private static String randomText(int length) {
    String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return text.toString();
  }
}
