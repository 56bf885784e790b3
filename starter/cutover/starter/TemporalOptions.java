package cutover.starter;

import cutover.worker.TemporalConnection;
import picocli.CommandLine.Option;

/** Where the Temporal server is: shared by every command that talks to it. */
public final class TemporalOptions {
  @Option(names = "--address", defaultValue = TemporalConnection.DEFAULT_ADDRESS,
      description = "Temporal frontend host:port (default: ${DEFAULT-VALUE})")
  String address;

  @Option(names = "--namespace", defaultValue = TemporalConnection.DEFAULT_NAMESPACE,
      description = "Temporal namespace (default: ${DEFAULT-VALUE})")
  String namespace;

  TemporalConnection connect() {
    return TemporalConnection.open(address, namespace);
  }
}
