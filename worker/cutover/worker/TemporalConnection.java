package cutover.worker;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** A client of a Temporal server, with cutover's data converter. */
public final class TemporalConnection implements AutoCloseable {
  public static final String DEFAULT_ADDRESS = "127.0.0.1:7233";
  public static final String DEFAULT_NAMESPACE = "default";

  private final WorkflowServiceStubs service;
  private final WorkflowClient client;

  private TemporalConnection(WorkflowServiceStubs service, WorkflowClient client) {
    this.service = service;
    this.client = client;
  }

  /**
   * TLS to the Temporal frontend: on with the system's trust store, or with a CA file, and with a
   * client certificate and PKCS#8 key for mutual TLS (Temporal Cloud).
   */
  public record Tls(boolean enabled, Path clientCert, Path clientKey, Path serverCa) {
    public static final Tls NONE = new Tls(false, null, null, null);

    boolean used() {
      return enabled || clientCert != null || serverCa != null;
    }

    SslContext sslContext() throws IOException, GeneralSecurityException {
      SimpleSslContextBuilder builder;
      if (clientCert != null) {
        if (clientKey == null) {
          throw new IllegalArgumentException("--tls-cert needs --tls-key");
        }
        try (InputStream cert = Files.newInputStream(clientCert); InputStream key = Files.newInputStream(clientKey)) {
          builder = SimpleSslContextBuilder.forPKCS8(cert, key);
        }
      } else {
        builder = SimpleSslContextBuilder.noKeyOrCertChain();
      }
      if (serverCa != null) {
        builder.setTrustManager(trustManagerFor(serverCa));
      }
      return builder.build();
    }

    private static TrustManager trustManagerFor(Path caFile) throws IOException, GeneralSecurityException {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      try (InputStream in = Files.newInputStream(caFile)) {
        int i = 0;
        for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          store.setCertificateEntry("ca-" + i++, certificate);
        }
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory.getTrustManagers()[0];
    }
  }

  public static TemporalConnection open(String address, String namespace) {
    return open(address, namespace, Tls.NONE);
  }

  public static TemporalConnection open(String address, String namespace, Tls tls) {
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder().setTarget(address);
    if (tls.used()) {
      try {
        options.setSslContext(tls.sslContext());
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalArgumentException("cannot set up TLS to " + address + ": " + e.getMessage(), e);
      }
    }
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(options.build());
    WorkflowClient client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
        .setNamespace(namespace)
        .setDataConverter(CutoverDataConverter.create())
        .build());
    return new TemporalConnection(service, client);
  }

  /**
   * Whether the server answers visibility queries (ListWorkflowExecutions). A real server does;
   * Java's test server does not, and is known by that.
   */
  public static boolean hasVisibility(WorkflowServiceStubs service, String namespace) {
    try {
      service.blockingStub().withDeadlineAfter(10, TimeUnit.SECONDS).listWorkflowExecutions(
          ListWorkflowExecutionsRequest.newBuilder().setNamespace(namespace).setPageSize(1).build());
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return false;
      }
      throw e;
    }
  }

  public boolean hasVisibility() {
    return hasVisibility(service, client.getOptions().getNamespace());
  }

  public WorkflowClient client() {
    return client;
  }

  public WorkflowServiceStubs service() {
    return service;
  }

  @Override
  public void close() {
    service.shutdown();
  }
}
