package cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.activities.CutoverMetric;
import cutover.activities.PlanPushRequest;
import cutover.activities.PlanPushResult;
import cutover.activities.Targets;
import cutover.activities.steps.StepState;
import cutover.testing.TestDatabase;
import cutover.worker.CutoverWorker;
import cutover.worker.DevEnvironment;
import cutover.worker.LogFormat;
import cutover.worker.StepLogContext;
import cutover.worker.TemporalConnection;
import cutover.worker.TemporalDevServer;
import cutover.worker.WorkerMetrics;
import cutover.worker.WorkflowRegistration;
import cutover.workflows.CutoverRequest;
import cutover.workflows.CutoverWorkflow;
import cutover.workflows.GateDecision;
import cutover.workflows.PlanPushWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testserver.TestServer;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A run on Java's test server with a worker that serves {@code /metrics}, logging under the
 * production {@code logback.xml}: a backfill scraped over HTTP while it runs, a DDL step that waits
 * on a lock held by the test, a wait gate, a parity check, then a check that fails. The scrapes show
 * Temporal's metrics and cutover's own (rows copied equal to the rows); the log lines of the steps
 * carry run, phase, step and attempt, the failed step and a refused signal are one line each.
 */
class WorkerMetricsTest {
  static final int ROWS = 3_000;

  private final LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ListAppender<ILoggingEvent> captured = new ListAppender<>();

  @BeforeEach
  void logAsInProduction() throws Exception {
    logging.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(logging);
    configurator.doConfigure(WorkerMetricsTest.class.getClassLoader().getResource("logback.xml"));
    captured.setContext(logging);
    captured.start();
    logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(captured);
  }

  @AfterEach
  void logAsInTests() throws Exception {
    logging.reset();
    new ContextInitializer(logging).autoConfig();
  }

  @Test
  void servesTemporalAndCutoverMetricsAndLogsEachStepsContext() throws Exception {
    Targets.Target database = TestDatabase.newDatabase("demo");
    try (Connection c = TestDatabase.connect(database); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE src (id bigint PRIMARY KEY, n int)");
      s.execute("INSERT INTO src SELECT g, g % 7 FROM generate_series(1, " + ROWS + ") g");
      s.execute("CREATE TABLE dst (id bigint PRIMARY KEY, n int)");
      s.execute("CREATE TABLE other (id bigint)");
    }
    String plan = """
        name: metrics
        target: demo
        phases:
          - name: copy
            steps:
              - id: copy-src
                kind: backfill
                from: src
                key: [id]
                into: dst
                columns: {id: id, n: n}
                batchSize: 100
                rate: 2000
              - id: add-note
                kind: sql
                sql: ALTER TABLE other ADD COLUMN note text
                compensate: ALTER TABLE other DROP COLUMN note
                lockTimeout: 100ms
                lockRetryFor: 60s
              - id: settle
                kind: wait
                for: 1s
              - id: same-rows
                kind: parity
                legacy: {table: src}
                new: {table: dst}
                key: [id]
                columns: [n]
              - id: no-row-three
                kind: check
                query: SELECT id FROM dst WHERE id = 3
        """;
    int port = TemporalDevServer.freePort();
    String address = "127.0.0.1:" + port;
    HttpClient http = HttpClient.newHttpClient();
    try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true);
        WorkerMetrics metrics = WorkerMetrics.serve(new InetSocketAddress("127.0.0.1", 0));
        TemporalConnection connection = TemporalConnection.open(address, "default", TemporalConnection.Tls.NONE, null, metrics);
        Targets targets = Targets.of(List.of(database));
        CutoverWorker worker = CutoverWorker.start(connection.client(), targets);
        Connection blocker = TestDatabase.connect(database)) {
      DevEnvironment.registerSearchAttributes(address);
      WorkflowClient client = connection.client();
      PlanPushResult pushed = client.newWorkflowStub(PlanPushWorkflow.class, WorkflowOptions.newBuilder()
              .setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId("push-" + UUID.randomUUID()).build())
          .push(new PlanPushRequest(plan, "plan.yaml", null, "tester"));
      assertEquals(List.of(), pushed.problems());
      // the DDL step will wait on this lock until the test lets go
      blocker.setAutoCommit(false);
      try (Statement s = blocker.createStatement()) {
        s.execute("LOCK TABLE other IN ACCESS SHARE MODE");
      }

      String run = "metrics-" + UUID.randomUUID().toString().substring(0, 8);
      CutoverWorkflow cutover = client.newWorkflowStub(CutoverWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue(WorkflowRegistration.TASK_QUEUE).setWorkflowId(run).build());
      WorkflowClient.start(cutover::run, new CutoverRequest("metrics", "demo", null, null, "tester"));

      String url = "http://127.0.0.1:" + metrics.port() + "/metrics";
      long[] copied = {0};
      long[] seenMidway = {-1};
      long started = System.nanoTime();
      long[] firstRows = {0};
      CutoverEndToEndIT.await("every row counted on /metrics", Duration.ofSeconds(60), () -> {
        copied[0] = (long) sum(scrape(http, url), CutoverMetric.ROWS_COPIED.prometheusName());
        if (copied[0] > 0 && copied[0] < ROWS) {
          seenMidway[0] = copied[0];
        }
        if (copied[0] > 0 && firstRows[0] == 0) {
          firstRows[0] = System.nanoTime();
        }
        return copied[0] >= ROWS;
      });
      System.out.printf("metrics: first rows on /metrics %.1f s after the start, all %,d %.1f s after (a scrape midway"
          + " saw %,d)%n", (firstRows[0] - started) / 1e9, copied[0], (System.nanoTime() - started) / 1e9, seenMidway[0]);
      assertEquals(ROWS, copied[0]);
      assertTrue(seenMidway[0] > 0, "a scrape during the backfill saw part of its rows");

      CutoverEndToEndIT.await("a lock timeout counted", Duration.ofSeconds(30),
          () -> sum(scrape(http, url), CutoverMetric.LOCK_TIMEOUTS.prometheusName()) >= 2);
      blocker.rollback();
      CutoverEndToEndIT.await("the check to fail", Duration.ofSeconds(60),
          () -> CutoverEndToEndIT.stepState(client, run, "no-row-three") == StepState.FAILED);
      cutover.approve(new GateDecision("no-such-gate", "tester", "nothing waits there", null));
      CutoverEndToEndIT.await("the step and signal metrics", Duration.ofSeconds(30), () -> {
        String text = scrape(http, url);
        return sum(text, CutoverMetric.STEPS.prometheusName(), "kind=\"check\"") >= 1
            && sum(text, CutoverMetric.SIGNALS.prometheusName(), "accepted=\"false\"") >= 1;
      });

      String text = scrape(http, url);
      assertEquals(ROWS, (long) sum(text, CutoverMetric.ROWS_COPIED.prometheusName(), "kind=\"backfill\""));
      assertEquals((long) ROWS, CutoverEndToEndIT.count(database, "SELECT 'x', count(*) FROM dst").get("x"));
      assertTrue(sum(text, CutoverMetric.BATCH_DURATION.prometheusName() + "_count", "action=\"apply\"") >= ROWS / 100.0,
          "one batch duration per batch of 100 rows");
      assertTrue(sum(text, CutoverMetric.LOCK_RETRIES.prometheusName(), "target=\"demo\"") >= 1);
      assertEquals(1, sum(text, CutoverMetric.LOCK_WAIT.prometheusName() + "_count", "outcome=\"acquired\""));
      assertEquals(1, sum(text, CutoverMetric.GATE_WAIT.prometheusName() + "_count", "kind=\"wait\""));
      assertTrue(sum(text, CutoverMetric.GATE_WAIT.prometheusName() + "_sum", "kind=\"wait\"") >= 1.0, "waited 1 s");
      assertTrue(sum(text, CutoverMetric.PARITY_CHUNKS.prometheusName(), "result=\"matched\"") >= 1);
      assertEquals(0, sum(text, CutoverMetric.PARITY_CHUNKS.prometheusName(), "result=\"differing\""));
      assertEquals(1, sum(text, CutoverMetric.STEPS.prometheusName(), "kind=\"backfill\"", "state=\"completed\""));
      assertEquals(1, sum(text, CutoverMetric.STEPS.prometheusName(), "kind=\"sql\"", "state=\"completed\""));
      assertEquals(1, sum(text, CutoverMetric.STEPS.prometheusName(), "kind=\"check\"", "state=\"failed\""));
      // Temporal's own, and the JVM's
      assertTrue(sum(text, "temporal_request_total") > 0, "Temporal's request counter");
      assertTrue(sum(text, "temporal_activity_execution_latency_seconds_count", "activity_type=\"RunStepPart\"") > 0);
      assertTrue(text.contains("jvm_memory_used_bytes"));
      assertEquals(0, text.lines().filter(l -> l.contains(run)).count(), "no run id in a label");

      // the logs: a line from inside a step carries its context
      ILoggingEvent lockWait = only(e -> e.getLoggerName().equals("cutover.activities.SqlRunner")
              && e.getFormattedMessage().startsWith("step 'add-note' could not get a lock within lock_timeout 100ms (attempt 1)"),
          "the first lock retry of add-note");
      assertEquals(run, lockWait.getMDCPropertyMap().get(StepLogContext.RUN));
      assertEquals("copy", lockWait.getMDCPropertyMap().get(StepLogContext.PHASE));
      assertEquals("add-note", lockWait.getMDCPropertyMap().get(StepLogContext.STEP));
      assertEquals("1", lockWait.getMDCPropertyMap().get(StepLogContext.ATTEMPT));
      String line = textLine(lockWait);
      assertTrue(line.substring(line.indexOf(" - ") + 3).startsWith(
          "[run=" + run + " phase=copy step=add-note attempt=1] step 'add-note' could not get a lock"), line);
      assertTrue(textLine(only(e -> e.getFormattedMessage().contains("no-such-gate"), "the refusal"))
          .contains(" - refused: "), "a line from no step has no brackets");

      JsonNode json = new ObjectMapper().readTree(jsonLine(lockWait));
      assertEquals(run, json.path("run").asText());
      assertEquals("copy", json.path("phase").asText());
      assertEquals("add-note", json.path("step").asText());
      assertEquals("1", json.path("attempt").asText());
      assertEquals("INFO", json.path("level").asText());
      assertTrue(json.path("message").asText().startsWith("step 'add-note' could not get a lock"), json.toString());

      // a failed step: one line, no stack trace, nothing from the SDK
      ILoggingEvent failed = only(e -> e.getFormattedMessage().contains("no-row-three"), "the failed step");
      assertEquals("WARN", failed.getLevel().toString());
      assertEquals("no-row-three", failed.getMDCPropertyMap().get(StepLogContext.STEP));
      assertNull(failed.getThrowableProxy());
      assertTrue(failed.getFormattedMessage().startsWith("step 'no-row-three' failed: "), failed.getFormattedMessage());
      assertEquals(0, captured.list.stream().filter(e -> e.getLoggerName().startsWith("io.temporal.internal.activity")).count());
      // a refused signal: one line, no stack trace
      ILoggingEvent refused = only(e -> e.getFormattedMessage().contains("no-such-gate"), "the refused signal");
      assertEquals("WARN", refused.getLevel().toString());
      assertNull(refused.getThrowableProxy());
    }
  }

  @Test
  void jsonFormatReplacesTheConsoleEncoder() {
    LogFormat.JSON.apply();
    ConsoleAppender<ILoggingEvent> console =
        (ConsoleAppender<ILoggingEvent>) logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
    assertTrue(console.getEncoder() instanceof net.logstash.logback.encoder.LogstashEncoder, console.getEncoder().toString());
    assertEquals(LogFormat.JSON, LogFormat.of("json"));
    assertNull(LogFormat.of("xml"));
  }

  private ILoggingEvent only(java.util.function.Predicate<ILoggingEvent> which, String what) {
    List<ILoggingEvent> events = captured.list.stream().filter(which).toList();
    assertEquals(1, events.size(), what + ": " + events.stream().map(ILoggingEvent::getFormattedMessage).toList());
    return events.get(0);
  }

  /** The event as the production console pattern writes it. */
  private String textLine(ILoggingEvent event) {
    ConsoleAppender<ILoggingEvent> console =
        (ConsoleAppender<ILoggingEvent>) logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
    PatternLayout layout = (PatternLayout) ((LayoutWrappingEncoder<ILoggingEvent>) console.getEncoder()).getLayout();
    return layout.doLayout(event);
  }

  private String jsonLine(ILoggingEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(LogFormat.jsonEncoder(logging).encode(event));
    String line = out.toString(StandardCharsets.UTF_8);
    assertEquals(1, line.strip().lines().count(), line);
    return line;
  }

  static String scrape(HttpClient http, String url) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode());
      return response.body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The sum of a metric's series that have each of {@code labels} (e.g. {@code kind="sql"}). */
  static double sum(String scraped, String name, String... labels) {
    Matcher series = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$").matcher(scraped);
    double total = 0;
    while (series.find()) {
      String found = series.group(1) == null ? "" : series.group(1);
      if (java.util.Arrays.stream(labels).allMatch(found::contains)) {
        total += Double.parseDouble(series.group(2));
      }
    }
    return total;
  }
}
