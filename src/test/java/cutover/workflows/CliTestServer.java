package cutover.workflows;

import cutover.worker.DevEnvironment;
import cutover.worker.TemporalConnection;
import cutover.worker.TemporalDevServer;
import cutover.worker.WorkflowRegistration;
import io.temporal.client.WorkflowClient;
import io.temporal.testserver.TestServer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.time.Duration;

/**
 * Java's test server on a free port, reached by address as the CLI reaches a server with
 * {@code --address}, with a connection to it; and, when a test asks, a worker of cutover's
 * workflows whose activities are fakes.
 */
final class CliTestServer implements AutoCloseable {
  final String address;
  final TemporalConnection connection;
  private final TestServer.PortBoundTestServer server;

  private CliTestServer(String address, TestServer.PortBoundTestServer server, TemporalConnection connection) {
    this.address = address;
    this.server = server;
    this.connection = connection;
  }

  static CliTestServer start() throws IOException {
    int port = TemporalDevServer.freePort();
    String address = "127.0.0.1:" + port;
    TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true);
    TemporalConnection connection = TemporalConnection.open(address, "default");
    DevEnvironment.registerSearchAttributes(address);
    return new CliTestServer(address, server, connection);
  }

  WorkflowClient client() {
    return connection.client();
  }

  /** A started worker of the workflows (sticky queues off: a test may replace it) serving {@code fake}; shut it down. */
  WorkerFactory serve(FakeActivities fake) {
    WorkerFactory factory = WorkerFactory.newInstance(connection.client());
    Worker worker = factory.newWorker(WorkflowRegistration.TASK_QUEUE,
        WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO).build());
    WorkflowRegistration.register(worker);
    fake.serveOn(worker, factory::newWorker);
    factory.start();
    return factory;
  }

  @Override
  public void close() throws IOException {
    connection.close();
    server.close();
  }
}
