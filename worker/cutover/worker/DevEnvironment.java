package cutover.worker;

import cutover.activities.Targets;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.testserver.TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The embedded default: Temporal's Java test server on a local port (real time), an embedded
 * PostgreSQL registered as target {@code demo}, and a worker, in one process.
 */
public final class DevEnvironment implements AutoCloseable {
  public static final String DEMO_TARGET = "demo";

  private final TestServer.PortBoundTestServer temporal;
  private final EmbeddedPostgres postgres;
  private final Targets.Target demo;
  private final Targets targets;
  private final TemporalConnection connection;
  private final CutoverWorker worker;
  private final String address;

  private DevEnvironment(TestServer.PortBoundTestServer temporal, EmbeddedPostgres postgres, Targets.Target demo,
      Targets targets, TemporalConnection connection, CutoverWorker worker, String address) {
    this.temporal = temporal;
    this.postgres = postgres;
    this.demo = demo;
    this.targets = targets;
    this.connection = connection;
    this.worker = worker;
    this.address = address;
  }

  /** A local port free now, for a port-bound Temporal test server. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public static DevEnvironment start(int temporalPort) throws IOException, SQLException {
    return start(temporalPort, false);
  }

  /** @param allowCommands the worker runs {@code command} steps */
  public static DevEnvironment start(int temporalPort, boolean allowCommands) throws IOException, SQLException {
    // true locks time skipping: workflows here run in real time, as on a real server.
    TestServer.PortBoundTestServer temporal = TestServer.createPortBoundServer(temporalPort, true);
    String address = "127.0.0.1:" + temporalPort;
    registerSearchAttributes(address);
    EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
    Targets.Target demo = createDemoDatabase(postgres);
    Targets targets = Targets.of(List.of(demo));
    TemporalConnection connection = TemporalConnection.open(address, TemporalConnection.DEFAULT_NAMESPACE);
    CutoverWorker worker = CutoverWorker.start(connection.client(), targets, allowCommands);
    return new DevEnvironment(temporal, postgres, demo, targets, connection, worker, address);
  }

  /** A database {@code demo} owned by a role with a fresh random password, as a real target would have. */
  private static Targets.Target createDemoDatabase(EmbeddedPostgres postgres) throws SQLException {
    String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    try (Connection admin = postgres.getPostgresDatabase().getConnection()) {
      DSLContext sql = DSL.using(admin, SQLDialect.POSTGRES);
      sql.execute("CREATE ROLE {0} LOGIN PASSWORD {1}", DSL.name("cutover_demo"), DSL.inline(password));
      sql.execute("CREATE DATABASE {0} OWNER {1}", DSL.name(DEMO_TARGET), DSL.name("cutover_demo"));
    }
    return new Targets.Target(DEMO_TARGET, "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/demo",
        "cutover_demo", password);
  }

  /** Registers the engine's search attributes on a server that has none (the test server). */
  public static void registerSearchAttributes(String address) {
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
        OperatorServiceStubsOptions.newBuilder().setTarget(address).validateAndBuildWithDefaults());
    try {
      AddSearchAttributesRequest.Builder request =
          AddSearchAttributesRequest.newBuilder().setNamespace(TemporalConnection.DEFAULT_NAMESPACE);
      WorkflowRegistration.searchAttributeNames()
          .forEach(name -> request.putSearchAttributes(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD));
      operator.blockingStub().addSearchAttributes(request.build());
    } finally {
      operator.shutdown();
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

  @Override
  public void close() throws IOException {
    worker.close();
    connection.close();
    targets.close();
    temporal.close();
    postgres.close();
  }
}
