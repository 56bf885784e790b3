package cutover.worker;

import com.sun.net.httpserver.HttpServer;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The worker's Prometheus endpoint: {@code GET /metrics} on a port of its own. One Micrometer
 * registry holds Temporal's metrics (its tally scope, reported through the SDK's
 * {@link MicrometerClientStatsReporter}), cutover's own ({@code cutover_*}, recorded through the
 * same scope, see {@code CutoverMetric}) and the JVM's.
 */
public final class WorkerMetrics implements AutoCloseable {
  /** How often Temporal's scope hands its counters to the registry: a scrape lags by at most this. */
  static final com.uber.m3.util.Duration REPORT_EVERY = com.uber.m3.util.Duration.ofSeconds(1);

  private final PrometheusMeterRegistry registry;
  private final Scope scope;
  private final JvmGcMetrics gc;
  private final HttpServer server;
  private final ExecutorService handler;

  private WorkerMetrics(PrometheusMeterRegistry registry, Scope scope, JvmGcMetrics gc, HttpServer server,
      ExecutorService handler) {
    this.registry = registry;
    this.scope = scope;
    this.gc = gc;
    this.server = server;
    this.handler = handler;
  }

  /**
   * Serves {@code /metrics} on the address (port 0: any free port).
   *
   * @throws IOException when the port cannot be bound (in use, or not allowed)
   */
  public static WorkerMetrics serve(InetSocketAddress address) throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      gc.close();
      registry.close();
      throw new IOException("cannot serve metrics on " + address.getHostString() + ":" + address.getPort() + ": "
          + e.getMessage(), e);
    }
    ExecutorService handler = Executors.newSingleThreadExecutor(r -> {
      Thread thread = new Thread(r, "cutover-metrics");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(handler);
    server.createContext("/metrics", exchange -> {
      try (exchange) {
        if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
          exchange.sendResponseHeaders(405, -1);
          return;
        }
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        if ("HEAD".equals(exchange.getRequestMethod())) {
          exchange.sendResponseHeaders(200, -1);
          return;
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    });
    server.start();
    Scope scope = new RootScopeBuilder().reporter(new MicrometerClientStatsReporter(registry)).reportEvery(REPORT_EVERY);
    return new WorkerMetrics(registry, scope, gc, server, handler);
  }

  /** The scope to give Temporal's service stubs ({@code WorkflowServiceStubsOptions.setMetricsScope}). */
  public Scope scope() {
    return scope;
  }

  /** The port it listens on (the one chosen, when asked for port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The endpoint's URL, with the host it was bound to. */
  public String url() {
    String host = server.getAddress().getAddress().isAnyLocalAddress() ? "localhost"
        : server.getAddress().getHostString();
    return "http://" + host + ":" + port() + "/metrics";
  }

  /** What a scrape returns now. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    server.stop(0);
    handler.shutdownNow();
    try {
      scope.close(); // reports what it still holds
    } catch (com.uber.m3.tally.ScopeCloseException e) {
      // the registry goes away with it
    }
    gc.close();
    registry.close();
  }
}
