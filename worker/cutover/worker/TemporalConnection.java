package cutover.worker;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.ServiceStubsOptions;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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
   * client certificate and PKCS#8 key for mutual TLS (Temporal Cloud). {@code serverName} is the
   * name the server's certificate is checked against when it differs from the address's host;
   * {@code disableHostVerification} trusts any certificate (a test server's self-signed one).
   * Only {@code enabled} turns TLS on: the CLI decides it from its options (as the Temporal CLI does).
   */
  public record Tls(boolean enabled, Path clientCert, Path clientKey, Path serverCa, String serverName,
      boolean disableHostVerification) {
    public static final Tls NONE = new Tls(false, null, null, null, null, false);

    /** Whether any option beyond {@code enabled} was given, each of which means TLS. */
    public boolean configured() {
      return clientCert != null || clientKey != null || serverCa != null || serverName != null || disableHostVerification;
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
      builder.setUseInsecureTrustManager(disableHostVerification);
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
    return open(address, namespace, tls, null, null);
  }

  /**
   * @param apiKey sent as a bearer token with every call (Temporal Cloud's API keys); null for none
   * @param metrics where Temporal's metrics (and cutover's, through it) go; null for none
   */
  public static TemporalConnection open(String address, String namespace, Tls tls, String apiKey, WorkerMetrics metrics) {
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(stubsOptions(address, tls, apiKey, metrics));
    WorkflowClient client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
        .setNamespace(namespace)
        .setDataConverter(CutoverDataConverter.create())
        .build());
    return new TemporalConnection(service, client);
  }

  /**
   * The stubs' options for a server at {@code address}: TLS when {@code tls} is enabled, the
   * server name it checks, the API key and the metrics scope.
   */
  public static WorkflowServiceStubsOptions stubsOptions(String address, Tls tls, String apiKey, WorkerMetrics metrics) {
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder().setTarget(address);
    if (metrics != null) {
      options.setMetricsScope(metrics.scope());
    }
    if (tls.enabled()) {
      try {
        options.setSslContext(tls.sslContext());
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalArgumentException("cannot set up TLS to " + address + ": " + e.getMessage(), e);
      }
    }
    if (tls.enabled() && tls.serverName() != null) {
      options.setChannelInitializer(channel -> channel.overrideAuthority(tls.serverName()));
    }
    if (apiKey != null) {
      options.addApiKey(() -> apiKey);
    }
    return options.build();
  }

  /**
   * Waits until the server answers, trying again after 1 s, then twice as long each time up to 30 s.
   * Each wait is said through {@code say}, naming the address.
   *
   * @param patience how long to keep trying; null to keep trying until the server answers
   * @return whether the server answered
   */
  public boolean awaitServer(String address, Duration patience, Consumer<String> say) throws InterruptedException {
    long deadline = patience == null ? Long.MAX_VALUE : System.nanoTime() + patience.toNanos();
    long backoff = 1_000;
    while (true) {
      try {
        service.blockingStub().withDeadlineAfter(10, TimeUnit.SECONDS).getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
        return true;
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED) {
          return true; // it answered, if only to say it lacks the call
        }
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        long pause = Math.min(backoff, left);
        say.accept("waiting for the Temporal server at " + address + " (namespace " + client.getOptions().getNamespace()
            + "): " + unreachable(e) + "; trying again in " + Math.max(1, pause / 1000) + " s");
        Thread.sleep(pause);
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  }

  /** Why the server could not be reached, without gRPC's internals. */
  private static String unreachable(StatusRuntimeException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.ConnectException) {
        return "connection refused";
      }
    }
    return e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED ? "no answer within 10 s" : "unreachable";
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

  /**
   * Registers in this connection's namespace the engine's search attributes it lacks. Every run
   * upserts them: on a namespace without them (a bare {@code temporal server start-dev}) each of
   * its workflow tasks fails and the run hangs at its first step.
   *
   * @return null when they are all there (now), else what is missing and how to add it
   */
  public String registerSearchAttributes() {
    return registerSearchAttributes(service.getOptions(), client.getOptions().getNamespace());
  }

  /** {@link #registerSearchAttributes()} for a server reached with {@code options}, in {@code namespace}. */
  public static String registerSearchAttributes(ServiceStubsOptions options, String namespace) {
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
        OperatorServiceStubsOptions.newBuilder(options).validateAndBuildWithDefaults());
    List<String> missing = WorkflowRegistration.searchAttributeNames();
    try {
      Map<String, IndexedValueType> existing;
      try {
        existing = operator.blockingStub().withDeadlineAfter(5, TimeUnit.SECONDS)
            .listSearchAttributes(ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build())
            .getCustomAttributesMap();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
          throw e;
        }
        existing = Map.of(); // Java's test server cannot list them, and starts with none
      }
      Map<String, IndexedValueType> present = existing;
      missing = missing.stream().filter(name -> !present.containsKey(name)).toList();
      if (missing.isEmpty()) {
        return null;
      }
      // one by one: another worker starting now, or Java's test server (which cannot list
      // them), may have added some, and a request with one that exists adds none
      for (String name : missing) {
        try {
          operator.blockingStub().withDeadlineAfter(10, TimeUnit.SECONDS).addSearchAttributes(
              AddSearchAttributesRequest.newBuilder().setNamespace(namespace)
                  .putSearchAttributes(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD).build());
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
            throw e;
          }
        }
      }
      return null;
    } catch (StatusRuntimeException e) {
      return "namespace " + namespace + " lacks the search attributes " + String.join(", ", missing)
          + " (Keyword), and the server did not let this worker add them (" + e.getStatus().getCode() + "): add them"
          + " with " + String.join(" && ", missing.stream().map(name -> "temporal operator search-attribute create"
              + " --namespace " + namespace + " --name " + name + " --type Keyword").toList())
          + " (on Temporal Cloud: tcld namespace search-attributes add), then start the worker again";
    } finally {
      operator.shutdownNow();
    }
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
