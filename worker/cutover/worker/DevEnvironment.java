package cutover.worker;

import cutover.activities.steps.approval.ApprovalSigners;
import cutover.activities.Targets;
import io.temporal.testserver.TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The embedded default: a Temporal server (Java's test server, or the Temporal CLI's dev server
 * when one is at hand), an embedded PostgreSQL registered as target {@code demo}, and a worker,
 * in one process. The worker serves {@code demo} and any targets configured as for
 * {@code cutover worker}.
 */
public final class DevEnvironment implements AutoCloseable {
  public static final String DEMO_TARGET = "demo";
  private static final String DEMO_ROLE = "cutover_demo";

  private final AutoCloseable temporal;
  private final TemporalDevServer devServer;
  private final EmbeddedPostgres postgres;
  private final Targets.Target demo;
  private final boolean demoCreated;
  private final Targets targets;
  private final TemporalConnection connection;
  private final CutoverWorker worker;
  private final String address;

  private DevEnvironment(AutoCloseable temporal, TemporalDevServer devServer, EmbeddedPostgres postgres,
      DemoDatabase demo, Targets targets, TemporalConnection connection, CutoverWorker worker, String address) {
    this.temporal = temporal;
    this.devServer = devServer;
    this.postgres = postgres;
    this.demo = demo.target();
    this.demoCreated = demo.created();
    this.targets = targets;
    this.connection = connection;
    this.worker = worker;
    this.address = address;
  }

  private record DemoDatabase(Targets.Target target, boolean created) {}

  public static DevEnvironment start(int temporalPort) throws IOException, SQLException {
    return start(temporalPort, Targets.of(List.of()), false, ApprovalSigners.NONE);
  }

  /**
   * On Java's test server.
   *
   * @param extraTargets configured targets the worker serves besides {@code demo}; none may be called {@code demo}
   * @param allowCommands the worker runs {@code command} steps
   * @param signers what the worker checks approvals' signatures against
   */
  public static DevEnvironment start(int temporalPort, Targets extraTargets, boolean allowCommands,
      ApprovalSigners signers) throws IOException, SQLException {
    return start(temporalPort, extraTargets, allowCommands, signers, null);
  }

  /** As {@link #start(int, Targets, boolean, ApprovalSigners)}; the worker's metrics go to {@code metrics} (null: nowhere). */
  public static DevEnvironment start(int temporalPort, Targets extraTargets, boolean allowCommands,
      ApprovalSigners signers, WorkerMetrics metrics) throws IOException, SQLException {
    requireNoDemo(extraTargets);
    // true locks time skipping: workflows here run in real time, as on a real server.
    TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(temporalPort, true);
    String address = "127.0.0.1:" + temporalPort;
    registerSearchAttributes(address);
    return withWorker(temporal, null, address, EmbeddedPostgres.builder().start(), extraTargets, allowCommands,
        signers, metrics);
  }

  /**
   * On a running Temporal dev server, which this environment then owns (and stops on close).
   *
   * @param postgresData PostgreSQL's data directory, kept across restarts (the demo database is
   *     created only the first time); null for a throwaway one
   */
  public static DevEnvironment start(TemporalDevServer server, Path postgresData, boolean allowCommands)
      throws IOException, SQLException {
    return start(server, postgresData, Targets.of(List.of()), allowCommands, ApprovalSigners.NONE);
  }

  /**
   * As {@link #start(TemporalDevServer, Path, boolean)}, the worker also serving {@code extraTargets}.
   *
   * @param signers what the worker checks approvals' signatures against
   */
  public static DevEnvironment start(TemporalDevServer server, Path postgresData, Targets extraTargets,
      boolean allowCommands, ApprovalSigners signers) throws IOException, SQLException {
    return start(server, postgresData, extraTargets, allowCommands, signers, null);
  }

  /** As {@link #start(TemporalDevServer, Path, Targets, boolean, ApprovalSigners)}; the worker's metrics go to {@code metrics}. */
  public static DevEnvironment start(TemporalDevServer server, Path postgresData, Targets extraTargets,
      boolean allowCommands, ApprovalSigners signers, WorkerMetrics metrics) throws IOException, SQLException {
    try {
      requireNoDemo(extraTargets);
      EmbeddedPostgres.Builder postgres = EmbeddedPostgres.builder();
      if (postgresData != null) {
        Files.createDirectories(postgresData);
        postgres.setDataDirectory(postgresData).setCleanDataDirectory(false);
      }
      return withWorker(server, server, server.address(), postgres.start(), extraTargets, allowCommands, signers,
          metrics);
    } catch (IOException | SQLException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * Stops the Temporal server and PostgreSQL an earlier {@code cutover dev} killed with
   * {@code kill -9} left running on these files, so that this one can start on them.
   *
   * @return what was stopped, a line each; empty when nothing was left
   */
  public static List<String> stopLeftovers(Path temporalDbFile, Path postgresData) {
    List<String> stopped = new ArrayList<>(LeftoverServers.stopTemporal(temporalDbFile));
    stopped.addAll(LeftoverServers.stopPostgres(postgresData));
    return stopped;
  }

  /**
   * @throws IllegalArgumentException when a configured target is called {@code demo}, the name of
   *     this environment's own database
   */
  public static void requireNoDemo(Targets extraTargets) {
    if (extraTargets.has(DEMO_TARGET)) {
      throw new IllegalArgumentException("a configured target is called '" + DEMO_TARGET + "', the name of cutover dev's"
          + " own embedded database: give the configured one another name (e.g. CUTOVER_TARGET_STAGING_URL, or"
          + " staging.url in the targets file)");
    }
  }

  private static DevEnvironment withWorker(AutoCloseable temporal, TemporalDevServer devServer, String address,
      EmbeddedPostgres postgres, Targets extraTargets, boolean allowCommands, ApprovalSigners signers,
      WorkerMetrics metrics) throws SQLException {
    DemoDatabase demo = createDemoDatabase(postgres);
    Targets targets = extraTargets.with(demo.target());
    TemporalConnection connection = TemporalConnection.open(address, TemporalConnection.DEFAULT_NAMESPACE,
        TemporalConnection.Tls.NONE, null, metrics);
    CutoverWorker worker = CutoverWorker.start(connection.client(), targets, allowCommands, signers);
    return new DevEnvironment(temporal, devServer, postgres, demo, targets, connection, worker, address);
  }

  /**
   * A database {@code demo} owned by a role with a fresh random password, as a real target would
   * have. A kept data directory already has both: the role gets a new password.
   */
  private static DemoDatabase createDemoDatabase(EmbeddedPostgres postgres) throws SQLException {
    String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    boolean created;
    try (Connection admin = postgres.getPostgresDatabase().getConnection()) {
      DSLContext sql = DSL.using(admin, SQLDialect.POSTGRES);
      boolean roleExists = sql.fetchExists(DSL.selectOne().from(DSL.table(DSL.name("pg_roles")))
          .where(DSL.field(DSL.name("rolname")).eq(DEMO_ROLE)));
      sql.execute(roleExists ? "ALTER ROLE {0} PASSWORD {1}" : "CREATE ROLE {0} LOGIN PASSWORD {1}",
          DSL.name(DEMO_ROLE), DSL.inline(password));
      created = !sql.fetchExists(DSL.selectOne().from(DSL.table(DSL.name("pg_database")))
          .where(DSL.field(DSL.name("datname")).eq(DEMO_TARGET)));
      if (created) {
        sql.execute("CREATE DATABASE {0} OWNER {1}", DSL.name(DEMO_TARGET), DSL.name(DEMO_ROLE));
      }
    }
    return new DemoDatabase(new Targets.Target(DEMO_TARGET,
        "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/demo", DEMO_ROLE, password), created);
  }

  /**
   * Registers the engine's search attributes that the server lacks (the test server has none;
   * a dev server reopened on an older database file may miss new ones).
   */
  public static void registerSearchAttributes(String address) {
    String problem = TemporalConnection.registerSearchAttributes(
        io.temporal.serviceclient.WorkflowServiceStubsOptions.newBuilder().setTarget(address).build(),
        TemporalConnection.DEFAULT_NAMESPACE);
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
  }

  /** Loads an example's legacy schema and data ({@code examples/NAME/schema.sql}, {@code data.sql}) into target demo. */
  public void loadExample(String name) throws IOException, SQLException {
    try (Connection connection = java.sql.DriverManager.getConnection(demo.jdbcUrl(), demo.user(), demo.password());
        Statement sql = connection.createStatement()) {
      sql.execute(exampleFile(name, "schema.sql"));
      sql.execute(exampleFile(name, "data.sql"));
    }
  }

  /** A file of an example, from the classpath (the jar carries {@code examples/}). */
  public static String exampleFile(String example, String file) throws IOException {
    String path = "examples/" + example + "/" + file;
    try (var in = DevEnvironment.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("no " + path + " on the classpath");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  public String address() {
    return address;
  }

  public Targets targets() {
    return targets;
  }

  /** The demo target with its credentials: for setting up example data, never for Temporal. */
  public Targets.Target demoTarget() {
    return demo;
  }

  public int postgresPort() {
    return postgres.getPort();
  }

  public TemporalConnection connection() {
    return connection;
  }

  /** The Temporal dev server this runs on, or null on Java's test server. */
  public TemporalDevServer devServer() {
    return devServer;
  }

  /** Whether this start created the demo database (false when a kept data directory had it). */
  public boolean demoDatabaseCreated() {
    return demoCreated;
  }

  @Override
  public void close() throws IOException {
    worker.close();
    connection.close();
    targets.close();
    try {
      temporal.close();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
    postgres.close();
  }
}
