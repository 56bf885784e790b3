package cutover.starter;

import cutover.worker.TemporalConnection;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the Temporal server is and how to reach it: shared by every command that talks to it.
 * Each option also comes from the Temporal CLI's environment variable or the config file
 * ({@link CliDefaults}); a flag wins over both.
 */
public final class TemporalOptions {
  @Option(names = "--address", defaultValue = TemporalConnection.DEFAULT_ADDRESS,
      description = "Temporal frontend host:port (env TEMPORAL_ADDRESS; default: ${DEFAULT-VALUE})")
  String address;

  @Option(names = "--namespace", defaultValue = TemporalConnection.DEFAULT_NAMESPACE,
      description = "Temporal namespace (env TEMPORAL_NAMESPACE; default: ${DEFAULT-VALUE})")
  String namespace;

  @Option(names = "--tls", arity = "0..1", paramLabel = "true|false",
      description = "connect with TLS, trusting the system's CAs (env TEMPORAL_TLS); on by default when another "
          + "--tls-* option or an API key is given, --tls=false turns it off")
  Boolean tls;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "client certificate (PEM) for mutual TLS (env TEMPORAL_TLS_CERT or TEMPORAL_TLS_CLIENT_CERT_PATH)")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "client private key (PKCS#8 PEM) for mutual TLS (env TEMPORAL_TLS_KEY or "
          + "TEMPORAL_TLS_CLIENT_KEY_PATH)")
  Path tlsKey;

  @Option(names = "--tls-ca", paramLabel = "FILE",
      description = "CA certificate(s) (PEM) to trust for the server (env TEMPORAL_TLS_CA or "
          + "TEMPORAL_TLS_SERVER_CA_CERT_PATH)")
  Path tlsCa;

  @Option(names = "--tls-server-name", paramLabel = "NAME",
      description = "the name the server's certificate must carry, when not the address's host "
          + "(env TEMPORAL_TLS_SERVER_NAME)")
  String tlsServerName;

  @Option(names = "--tls-disable-host-verification",
      description = "accept any server certificate: for test servers only (env TEMPORAL_TLS_DISABLE_HOST_VERIFICATION)")
  boolean tlsDisableHostVerification;

  @Option(names = "--api-key", paramLabel = "KEY",
      description = "API key sent with every call, e.g. Temporal Cloud's (env TEMPORAL_API_KEY; prefer the variable "
          + "or the config file: a flag shows in the process list)")
  String apiKey;

  /** TLS as the options ask for it: {@code --tls} when given, else on when any other TLS option or an API key is. */
  TemporalConnection.Tls tlsOptions() {
    TemporalConnection.Tls given = new TemporalConnection.Tls(false, tlsCert, tlsKey, tlsCa, tlsServerName,
        tlsDisableHostVerification);
    boolean enabled = tls != null ? tls : given.configured() || apiKey != null;
    return new TemporalConnection.Tls(enabled, tlsCert, tlsKey, tlsCa, tlsServerName, tlsDisableHostVerification);
  }

  TemporalConnection connect() {
    return connect(null);
  }

  /**
   * The options a command printed as a hint needs to reach the same server: {@code --address} and
   * {@code --namespace} when they are not the defaults, each with a leading space; empty at the defaults.
   */
  String hintFlags() {
    return hintFlags(address, namespace);
  }

  static String hintFlags(String address, String namespace) {
    return (TemporalConnection.DEFAULT_ADDRESS.equals(address) ? "" : " --address " + address)
        + (TemporalConnection.DEFAULT_NAMESPACE.equals(namespace) ? "" : " --namespace " + namespace);
  }

  /** A worker's connection: Temporal's metrics, and cutover's through them, go to {@code metrics} (null: nowhere). */
  TemporalConnection connect(cutover.worker.WorkerMetrics metrics) {
    return TemporalConnection.open(address, namespace, tlsOptions(), apiKey, metrics);
  }
}
