package cutover.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.activities.RunReport;
import cutover.activities.steps.StepKinds;
import cutover.plan.PlanParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The report's timeline, one point each: it spans the page's width; the rollback is a labelled
 * mark; pauses are bands with a labelled mark; compensations sit on the rows of the steps they
 * undo; a gate open when the run rolled back reads "rolled back", not "waiting".
 */
class ReportTimelineTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PLAN = """
      name: p
      target: staging
      phases:
        - name: one
          steps:
            - id: add-table
              kind: sql
              sql: CREATE TABLE t (id int)
              compensate: DROP TABLE t
            - id: go
              kind: approval
              approvers: [alice]
            - id: drop-old
              kind: sql
              sql: DROP TABLE old
              irreversible: true
      """;

  /** A run of PLAN: add-table applied, paused and resumed at go, rolled back by carol while go waited. */
  static RunReport rolledBack(String state, String endedAt) throws Exception {
    return new RunReport("r-1", "staging", "p", "abcdef0123456789", PLAN, PlanParser.parse(PLAN, "plan.yaml", null,
        StepKinds.ALL), state, "carol", "2026-01-01T10:00:00Z", endedAt, null,
        List.of(new RunReport.StepRow("add-table", "apply", "one", "sql", "sql ran, 0 rows", 0L, 1,
                "2026-01-01T10:00:00Z", "2026-01-01T10:01:00Z"),
            new RunReport.StepRow("add-table", "compensate", "one", "sql", "compensation ran, 0 rows", 0L, 1,
                "2026-01-01T10:08:00Z", "2026-01-01T10:09:00Z")),
        List.of(),
        List.of(new RunReport.EventRow("gate_opened", "go", null, "1 more approval from alice", "2026-01-01T10:01:00Z"),
            new RunReport.EventRow("pause", "go", "dave", "lunch", "2026-01-01T10:02:00Z"),
            new RunReport.EventRow("resume", "go", "dave", null, "2026-01-01T10:04:00Z"),
            new RunReport.EventRow("rollback_requested", "go", "carol", "abandon", "2026-01-01T10:07:30Z"),
            new RunReport.EventRow("rollback", "go", "carol", "requested", "2026-01-01T10:08:00Z")),
        List.of(), 0);
  }

  @Test
  void theTimelineSpansThePagesWidth() throws Exception {
    String html = ReportRenderer.html(new RunTimeline(rolledBack("rolled_back", "2026-01-01T10:10:00Z")));
    Matcher svg = Pattern.compile("<svg id=\"timeline\"[^>]*>").matcher(html);
    assertTrue(svg.find(), html);
    assertTrue(svg.group().contains("width=\"100%\"") && !svg.group().contains("viewBox"),
        "as wide as the page, not scaled from a fixed drawing: " + svg.group());
    assertFalse(html.contains("max-width: 1120px"), "the page is not held to 1,120 px");
    // add-table ran the first minute of ten: its bar starts at the label column's edge and is a tenth of the chart
    assertTrue(html.contains("<rect class=\"bar-completed\" x=\"26.00%\" y=\"47\" width=\"7.20%\""), html);
    assertTrue(html.contains("clip-path=\"url(#labels)\""), "labels clipped to their column");
    Path page = Files.createTempFile("report", ".html");
    Files.writeString(page, html, StandardCharsets.UTF_8);
    RunReportTest.assertRendersInChromium(page, 6);
  }

  @Test
  void theRollbackMarkIsLabelled() throws Exception {
    RunTimeline timeline = new RunTimeline(rolledBack("rolled_back", "2026-01-01T10:10:00Z"));
    String html = ReportRenderer.html(timeline);
    assertTrue(html.contains(">rollback requested by carol: abandon at 2026-01-01T10:07:30Z</text>"), html);
    assertTrue(html.contains(">rollback by carol: requested at 2026-01-01T10:08:00Z</text>"), html);
    assertTrue(html.contains("<line class=\"mark-rollback\" x1=\"80.00%\""), "75% of the chart: " + html);
    JsonNode json = JSON.readTree(ReportRenderer.json(timeline));
    assertEquals("rollback_requested", json.at("/rollbacks/0/kind").asText());
    assertEquals("carol", json.at("/rollbacks/0/by").asText());
  }

  @Test
  void pausesAreBandsWithALabelledMark() throws Exception {
    RunTimeline timeline = new RunTimeline(rolledBack("rolled_back", "2026-01-01T10:10:00Z"));
    String html = ReportRenderer.html(timeline);
    // from minute 2 to minute 4 of 10
    assertTrue(html.contains("<rect class=\"pause\" x=\"40.40%\" y=\"18\" width=\"14.40%\""), html);
    assertTrue(html.contains(">paused by dave at go: lunch · resumed after 2 min 0 s</text>"), html);
    JsonNode json = JSON.readTree(ReportRenderer.json(timeline));
    assertEquals("2026-01-01T10:02:00Z", json.at("/pauses/0/from").asText());
    assertEquals("2026-01-01T10:04:00Z", json.at("/pauses/0/to").asText());
    assertEquals("dave", json.at("/pauses/0/by").asText());

    RunReport running = rolledBack("active", null);
    RunReport stillPaused = new RunReport(running.runId(), running.target(), running.planName(), running.planHash(),
        running.planSource(), running.plan(), running.state(), running.startedBy(), running.startedAt(), null, null,
        List.of(running.steps().get(0)), List.of(), running.events().subList(0, 2), List.of(), 0);
    assertTrue(ReportRenderer.html(new RunTimeline(stillPaused)).contains("· never resumed</text>"));
  }

  @Test
  void compensationsSitOnTheRowsOfTheStepsTheyUndo() throws Exception {
    String html = ReportRenderer.html(new RunTimeline(rolledBack("rolled_back", "2026-01-01T10:10:00Z")));
    String addTableRow = html.lines().filter(l -> l.contains(">  add-table (sql)</text>")).findFirst().orElseThrow();
    assertTrue(addTableRow.contains("<rect class=\"bar-compensated\" x=\"83.60%\"")
        && addTableRow.contains("<title>undone: compensation ran, 0 rows</title>"), addTableRow);
    assertTrue(html.contains(">  undo add-table</text>"), "and in the rollback's own rows");
  }

  @Test
  void aGateOpenWhenTheRunRolledBackIsRolledBackNotWaiting() throws Exception {
    RunTimeline timeline = new RunTimeline(rolledBack("rolled_back", "2026-01-01T10:10:00Z"));
    RunTimeline.StepLine go = timeline.phases.get(0).steps().get(1);
    assertEquals(RunTimeline.Status.ROLLED_BACK, go.status());
    assertEquals("2026-01-01T10:07:30Z", go.end().toString(), "ended by the rollback");
    assertEquals("rolled back while waiting (1 more approval from alice)", go.outcome());
    JsonNode json = JSON.readTree(ReportRenderer.json(timeline));
    assertEquals("rolled back", json.at("/phases/0/steps/1/status").asText());
    String html = ReportRenderer.html(timeline);
    assertTrue(html.contains("<span class=\"st st-rolled-back\">rolled back</span> rolled back while waiting"), html);
    assertFalse(html.contains("class=\"st st-waiting\"") || html.contains("bar-waiting\" x"), html);

    // still running: waiting; ended otherwise: stopped
    assertEquals(RunTimeline.Status.WAITING, new RunTimeline(rolledBack("active", null)).phases.get(0).steps().get(1)
        .status());
    assertEquals(RunTimeline.Status.STOPPED, new RunTimeline(rolledBack("abandoned", "2026-01-01T10:10:00Z")).phases
        .get(0).steps().get(1).status());
  }
}
