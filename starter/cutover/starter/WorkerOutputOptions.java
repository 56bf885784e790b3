package cutover.starter;

import cutover.worker.LogFormat;
import cutover.worker.WorkerMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/** What a worker process tells the outside besides its work: Prometheus metrics, and its log's format. */
final class WorkerOutputOptions {
  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "serve Prometheus metrics (Temporal's and cutover's) at http://HOST:PORT/metrics (default: off)")
  Integer metricsPort;

  @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "text",
      description = "text lines, or one JSON object a line for log shippers (default: ${DEFAULT-VALUE})")
  String logFormat;

  /** @return what is wrong with the options, or null */
  String problem() {
    if (LogFormat.of(logFormat) == null) {
      return "--log-format must be text or json, not '" + logFormat + "'";
    }
    if (metricsPort != null && (metricsPort < 0 || metricsPort > 65_535)) {
      return "--metrics-port must be a port number (0 to 65535), not " + metricsPort;
    }
    return null;
  }

  /** Writes the log in the chosen format from now on. */
  void applyLogFormat() {
    LogFormat.of(logFormat).apply();
  }

  /**
   * Starts the metrics endpoint on {@code host}, or returns null when {@code --metrics-port} is not given.
   *
   * @throws IOException when the port cannot be bound
   */
  WorkerMetrics serveMetrics(String host) throws IOException {
    return metricsPort == null ? null : WorkerMetrics.serve(new InetSocketAddress(host, metricsPort));
  }
}
