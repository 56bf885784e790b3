package cutover.starter.bench;

import cutover.worker.TemporalConnection;
import cutover.worker.TemporalDevServer;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.history.v1.History;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Temporal CLI's dev server the suite runs on, on one port for its whole life, so workers
 * reconnect by themselves: {@link #lose()} stops it and starts a fresh one with an empty database
 * file, which is Temporal losing every workflow. Before each loss, and at the end, every workflow
 * history it holds is scanned for secrets.
 */
final class FaultServer implements AutoCloseable {
  private final Path binary;
  private final Path dir;
  private final int port;
  private final List<Secret> secrets;
  private final Set<String> leaks = new LinkedHashSet<>();
  private int generation;
  private final Set<String> scanned = new java.util.HashSet<>();
  private final String control;
  private boolean controlFound;
  private TemporalDevServer server;
  private TemporalConnection connection;

  /** A text that must never be in a workflow history; {@code wholeWord} for user names. */
  record Secret(String what, String text, boolean wholeWord) {
    boolean in(String history) {
      if (text == null || text.isBlank()) {
        return false;
      }
      return wholeWord
          ? Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(text) + "(?![A-Za-z0-9_])").matcher(history).find()
          : history.contains(text);
    }
  }

  /** @param control a text that must be found in some history (see {@link #found}) */
  FaultServer(Path binary, List<Secret> secrets, String control) throws IOException {
    this.binary = binary;
    this.secrets = secrets;
    this.control = control;
    this.dir = Files.createTempDirectory("cutover-faults-temporal");
    this.port = TemporalDevServer.freePort();
    launch();
  }

  private void launch() throws IOException {
    generation++;
    server = TemporalDevServer.start(binary, port, 0, dir.resolve("temporal-" + generation + ".db"),
        dir.resolve("temporal.log"));
    connection = TemporalConnection.open(server.address(), TemporalConnection.DEFAULT_NAMESPACE);
  }

  String address() {
    return server.address();
  }

  TemporalConnection connection() {
    return connection;
  }

  /** Scans every history, then stops the server and starts one that knows no workflow. */
  void lose() throws IOException {
    scan();
    shutDown();
    launch();
  }

  /**
   * Reads the history of every workflow on the server (visibility lists them all) and notes each
   * secret found in one, naming the workflow and what it was, never the secret.
   */
  void scan() {
    ByteString page = ByteString.EMPTY;
    do {
      ListWorkflowExecutionsResponse listed = connection.service().blockingStub().listWorkflowExecutions(
          ListWorkflowExecutionsRequest.newBuilder().setNamespace(TemporalConnection.DEFAULT_NAMESPACE)
              .setPageSize(200).setNextPageToken(page).build());
      for (WorkflowExecutionInfo execution : listed.getExecutionsList()) {
        String history = text(connection.client().fetchHistory(execution.getExecution().getWorkflowId(),
            execution.getExecution().getRunId()).getHistory());
        scanned.add(execution.getExecution().getRunId());
        if (history.contains(control)) {
          controlFound = true;
        }
        for (Secret secret : secrets) {
          if (secret.in(history)) {
            leaks.add(execution.getExecution().getWorkflowId() + " (server " + generation + ", run "
                + execution.getExecution().getRunId() + "): " + secret.what());
          }
        }
      }
      page = listed.getNextPageToken();
    } while (!page.isEmpty());
  }

  /**
   * A history as text: its JSON, where payloads are base64, followed by every payload's data
   * decoded (inputs, results, heartbeat details, signals, queries' and failures' details).
   */
  static String text(History history) {
    StringBuilder text = new StringBuilder();
    try {
      text.append(JsonFormat.printer().print(history));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a history that cannot be printed: " + e.getMessage(), e);
    }
    decodePayloads(history, text);
    return text.toString();
  }

  private static void decodePayloads(Message message, StringBuilder text) {
    if (message instanceof Payload payload) {
      text.append('\n').append(payload.getData().toStringUtf8());
      return;
    }
    for (Object value : message.getAllFields().values()) {
      for (Object element : value instanceof List<?> list ? list : List.of(value)) {
        if (element instanceof Message inner) {
          decodePayloads(inner, text);
        }
      }
    }
  }

  /** Each (history, secret) found once, however often the history was scanned. */
  List<String> leaks() {
    return List.copyOf(leaks);
  }

  /**
   * Whether a text that belongs in histories (a target's name) was in one: the control that the
   * scan reads what the workflows carry.
   */
  boolean found(String text) {
    return text.equals(control) && controlFound;
  }

  /** How many histories (workflow runs) were read. */
  int scannedHistories() {
    return scanned.size();
  }

  private void shutDown() {
    connection.close();
    server.close();
  }

  @Override
  public void close() {
    shutDown();
  }
}
