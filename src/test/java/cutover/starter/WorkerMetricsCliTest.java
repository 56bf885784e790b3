package cutover.starter;

import static cutover.testing.CliRun.cutover;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.testing.CliRun;
import cutover.worker.TemporalDevServer;
import io.temporal.testserver.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `cutover worker --metrics-port` and `--log-format` as typed. */
class WorkerMetricsCliTest {

  @Test
  void servesMetricsOnTheGivenPortWhileItRuns() throws Exception {
    int port = TemporalDevServer.freePort();
    int metricsPort = TemporalDevServer.freePort();
    String address = "127.0.0.1:" + port;
    Path targetsFile = Files.createTempFile("targets", ".properties");
    // the database is reached only when work comes; this test sends none
    Files.writeString(targetsFile, "demo.url=jdbc:postgresql://127.0.0.1:1/none\n");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true)) {
      Thread worker = new Thread(() -> {
        CommandLine cli = CutoverCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.execute("worker", "--address", address, "--targets-file", targetsFile.toString(),
            "--metrics-port", Integer.toString(metricsPort));
      });
      worker.start();
      try {
        await(() -> out.toString().contains("metrics at http://localhost:" + metricsPort + "/metrics"));
        HttpResponse<String> scraped = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, scraped.statusCode());
        assertTrue(scraped.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertTrue(scraped.body().contains("jvm_memory_used_bytes"), scraped.body());

        // a second worker cannot take the same port, and says so
        CliRun taken = cutover("worker", "--address", address, "--targets-file", targetsFile.toString(),
            "--metrics-port", Integer.toString(metricsPort));
        assertEquals(CutoverCli.FAILED, taken.exitCode(), taken.out() + taken.err());
        assertTrue(taken.err().contains("cannot serve metrics on 0.0.0.0:" + metricsPort), taken.err());
      } finally {
        worker.interrupt();
        worker.join(20_000);
      }
      assertFalse(worker.isAlive(), "an interrupted worker command stops");
    }
    try (ServerSocket free = new ServerSocket(metricsPort)) {
      assertEquals(metricsPort, free.getLocalPort(), "the stopped worker let go of its metrics port");
    }
  }

  @Test
  void refusesAnUnknownLogFormatAndABadPort() {
    CliRun xml = cutover("worker", "--log-format", "xml");
    assertEquals(CutoverCli.BAD_INPUT, xml.exitCode());
    assertTrue(xml.err().contains("--log-format must be text or json, not 'xml'"), xml.err());
    CliRun port = cutover("worker", "--metrics-port", "70000");
    assertEquals(CutoverCli.BAD_INPUT, port.exitCode());
    assertTrue(port.err().contains("--metrics-port must be a port number (0 to 65535), not 70000"), port.err());
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s");
      }
      Thread.sleep(100);
    }
  }
}
