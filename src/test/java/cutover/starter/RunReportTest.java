package cutover.starter;

import cutover.testing.CliRun;
import cutover.worker.TemporalDevServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.activities.RunReport;
import cutover.worker.DevEnvironment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of the demo run, in both formats, through the CLI and the worker as a person would
 * get it; the HTML opened in headless Chromium. And a report of a run that rolled back, rendered
 * from ledger rows alone.
 */
class RunReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theDemoRunsAndReportsItsRunInHtmlAndJson(@TempDir Path dir) throws Exception {
    Path html = dir.resolve("cutover-report.html");
    try (DevEnvironment dev = DevEnvironment.start(TemporalDevServer.freePort())) {
      // the demo's data at 1,000 contracts instead of 20,000 (data.sql reads the setting): the report is the point here
      try (var c = java.sql.DriverManager.getConnection(dev.demoTarget().jdbcUrl(), "postgres", "");
          var sql = c.createStatement()) { // the embedded server's superuser: a placeholder setting needs one
        sql.execute("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET cutover.example_contracts = 1000',"
            + " current_database()); END $$");
      }
      DemoCommand demo = new DemoCommand();
      demo.report = html;
      StringWriter demoOut = new StringWriter();
      int code = demo.run(dev, new PrintWriter(demoOut), new PrintWriter(new StringWriter()), System.nanoTime());
      assertEquals(0, code, demoOut.toString());
      assertTrue(demoOut.toString().contains("report: " + html.toAbsolutePath()), demoOut.toString());

      String run = DemoCommand.EXAMPLE + "-demo";
      Path json = dir.resolve("report.json");
      CliRun byCli = CliRun.cutover("report", run, "--format", "json", "-o", json.toString(),
          "--address", dev.address());
      assertEquals(0, byCli.exitCode(), byCli.err());
      JsonNode report = JSON.readTree(json.toFile());
      assertEquals(run, report.at("/run/id").asText());
      assertEquals("completed", report.at("/run/state").asText());
      assertEquals(List.of("prepare", "introduce", "copy", "readiness", "cutover", "post-cutover"),
          texts(report.get("phases"), "name"));
      List<String> steps = new ArrayList<>();
      report.get("phases").forEach(p -> p.get("steps").forEach(s -> {
        steps.add(s.get("id").asText());
        // the demo skips the soak instead of waiting 48 hours
        assertEquals(s.get("kind").asText().equals("soak") ? "skipped" : "completed", s.get("status").asText(),
            s.toString());
        assertTrue(s.get("millis").isNumber(), s.toString());
      }));
      assertEquals(45, steps.size(), steps.toString());
      JsonNode approval = report.get("decisions").get(0);
      assertEquals("approve", approval.get("decision").asText());
      assertEquals("cutover-demo", approval.get("by").asText());
      List<String> verified = texts(report.get("findings"), "step");
      assertTrue(verified.containsAll(List.of("parity-templates", "parity-template-lines",
          "validate-template-constraints")), verified.toString());
      JsonNode parity = report.get("findings").get(verified.indexOf("parity-templates"));
      assertTrue(parity.get("passed").asBoolean());
      assertTrue(parity.at("/report/rows/legacyRows").asInt() > 10, parity.toString());
      assertEquals(parity.at("/report/rows/legacyRows").asInt(), parity.at("/report/rows/newRows").asInt());
      assertTrue(report.at("/plan/source").asText().contains("kind: parity"));

      CliRun printed = CliRun.cutover("report", run, "--address", dev.address());
      assertEquals(0, printed.exitCode(), printed.err());
      assertTrue(printed.out().startsWith("<!DOCTYPE html>"));
      assertTrue(printed.out().contains("<svg id=\"timeline\""));

      CliRun missing = CliRun.cutover("report", "no-such-run", "--address", dev.address());
      assertEquals(1, missing.exitCode());
      assertTrue(missing.err().contains("there is no run no-such-run"), missing.err());
    }

    String page = Files.readString(html, StandardCharsets.UTF_8);
    assertTrue(page.contains("<svg id=\"timeline\""));
    assertFalse(page.contains("<script"), "the report runs no script");
    assertFalse(page.matches("(?s).*(src|href)=\"https?:.*"), "the report loads nothing from elsewhere");
    for (String id : List.of("parity-templates", "maintenance-on", "remove-legacy-templates", "go-no-go")) {
      assertTrue(page.contains(id), id);
    }
    assertRendersInChromium(html, 45 + 6);
  }

  @Test
  void aRolledBackRunShowsItsRefusalsFailuresAndCompensations() throws Exception {
    RunReport report = new RunReport("r-9", "staging", "p", "abcdef0123456789", "name: p", null, "rolled_back", "carol",
        "2026-01-01T10:00:00Z", "2026-01-01T10:05:00Z", "step 'parity' failed: rows differ",
        List.of(
            new RunReport.StepRow("add-table", "apply", "one", "sql", "sql ran, 0 rows", 0L, 1,
                "2026-01-01T10:00:01Z", "2026-01-01T10:00:02Z"),
            new RunReport.StepRow("copy", "apply", "one", "backfill", "copied", 120_000L, 1,
                "2026-01-01T10:00:02Z", "2026-01-01T10:01:02Z"),
            new RunReport.StepRow("copy", "compensate", "one", "backfill", "compensation ran, 120000 rows", 120_000L, 1,
                "2026-01-01T10:04:00Z", "2026-01-01T10:04:30Z"),
            new RunReport.StepRow("add-table", "compensate", "one", "sql", "compensation ran, 0 rows", 0L, 1,
                "2026-01-01T10:04:30Z", "2026-01-01T10:04:31Z")),
        List.of(new RunReport.DecisionRow("go", "approve", "mallory", "lgtm", false,
            "mallory may not decide gate 'go'", "2026-01-01T10:02:00Z")),
        List.of(new RunReport.EventRow("step_failed", "parity", null, "step 'parity' failed: rows differ <b>",
                "2026-01-01T10:03:00Z"),
            new RunReport.EventRow("rollback_requested", null, "carol", "abandon", "2026-01-01T10:03:30Z")),
        List.of(new RunReport.FindingRow("parity", "parity", null, false, "rows differ", "{\"holds\":false}",
            "2026-01-01T10:03:00Z")),
        0);
    RunTimeline timeline = new RunTimeline(report);
    String html = ReportRenderer.html(timeline);
    assertTrue(html.contains("mallory may not decide gate &#39;go&#39;"), "refusal shown, escaped");
    assertTrue(html.contains("rows differ &lt;b&gt;"), "event text escaped");
    assertTrue(html.contains("undo copy"), "compensations on the timeline");
    assertTrue(html.contains("<h2>Backfill rates</h2>") && html.contains("2,000"), "120,000 rows in 60 s");
    assertTrue(html.contains("class=\"failure\""), "the failure marked on the timeline");
    JsonNode json = JSON.readTree(ReportRenderer.json(timeline));
    assertEquals(2, json.get("compensations").size());
    assertEquals(2000, json.at("/backfills/0/rowsPerSecond").asInt());
    assertFalse(json.at("/findings/0/passed").asBoolean());
  }

  // ---- headless Chromium

  /** Opens the page in headless Chromium: it must render the timeline's bars and log nothing to the console. */
  static void assertRendersInChromium(Path page, int minimumBars) throws Exception {
    String chromium = chromium();
    if (chromium == null) {
      Assumptions.assumeFalse(true, "chromium is not installed (and CI is not set): skipping the browser check");
    }
    Path profile = Files.createTempDirectory("cutover-chromium");
    Process process = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--dump-dom",
        page.toAbsolutePath().toUri().toString())
        .redirectOutput(profile.resolve("dom.html").toFile())
        .redirectError(profile.resolve("stderr.txt").toFile())
        .start();
    assertTrue(process.waitFor(90, TimeUnit.SECONDS), "chromium did not finish in 90 s");
    String dom = Files.readString(profile.resolve("dom.html"), StandardCharsets.UTF_8);
    String stderr = Files.readString(profile.resolve("stderr.txt"), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), stderr);
    List<String> console = stderr.lines().filter(line -> line.contains(":CONSOLE")).toList();
    assertEquals(List.of(), console, "console messages while rendering the report");
    Matcher svg = Pattern.compile("(?s)<svg id=\"timeline\".*?</svg>").matcher(dom);
    assertTrue(svg.find(), "the rendered DOM has the timeline");
    long bars = Pattern.compile("<rect ").matcher(svg.group()).results().count();
    assertTrue(bars >= minimumBars, "the timeline has " + bars + " bars, expected at least " + minimumBars);
  }

  /** Chromium's path; null when absent outside CI. In CI (CI=true) it must be there. */
  static String chromium() {
    for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("CI=true but chromium is not installed; .ci/run installs it (apt-get install -y chromium)");
    }
    return null;
  }

  @Test
  void theConsoleCheckCatchesAPageThatLogsErrors(@TempDir Path dir) throws Exception {
    Path page = dir.resolve("broken.html");
    Files.writeString(page, "<html><body><svg id=\"timeline\"><rect x=\"1\"/></svg>"
        + "<script>console.error('boom')</script></body></html>");
    AssertionErrorCatcher.expect(() -> assertRendersInChromium(page, 1), "console messages");
  }

  /** Asserts that the check fails, and for the expected reason. */
  static final class AssertionErrorCatcher {
    interface Check {
      void run() throws Exception;
    }

    static void expect(Check check, String reason) throws Exception {
      try {
        check.run();
      } catch (AssertionError expected) {
        assertTrue(String.valueOf(expected.getMessage()).contains(reason), expected.getMessage());
        return;
      }
      throw new AssertionError("the check passed a page that logs to the console");
    }
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> values = new ArrayList<>();
    array.forEach(node -> values.add(node.get(field).asText()));
    return values;
  }
}
