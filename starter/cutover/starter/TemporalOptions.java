package cutover.starter;

import cutover.worker.TemporalConnection;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the Temporal server is: shared by every command that talks to it. */
public final class TemporalOptions {
  @Option(names = "--address", defaultValue = TemporalConnection.DEFAULT_ADDRESS,
      description = "Temporal frontend host:port (default: ${DEFAULT-VALUE})")
  String address;

  @Option(names = "--namespace", defaultValue = TemporalConnection.DEFAULT_NAMESPACE,
      description = "Temporal namespace (default: ${DEFAULT-VALUE})")
  String namespace;

  @Option(names = "--tls", description = "connect with TLS, trusting the system's CAs")
  boolean tls;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "client certificate (PEM) for mutual TLS")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "client private key (PKCS#8 PEM) for mutual TLS")
  Path tlsKey;

  @Option(names = "--tls-ca", paramLabel = "FILE", description = "CA certificate(s) (PEM) to trust for the server")
  Path tlsCa;

  TemporalConnection connect() {
    return TemporalConnection.open(address, namespace, new TemporalConnection.Tls(tls, tlsCert, tlsKey, tlsCa));
  }

  /** A worker's connection: Temporal's metrics, and cutover's through them, go to {@code metrics} (null: nowhere). */
  TemporalConnection connect(cutover.worker.WorkerMetrics metrics) {
    return TemporalConnection.open(address, namespace, new TemporalConnection.Tls(tls, tlsCert, tlsKey, tlsCa), metrics);
  }
}
