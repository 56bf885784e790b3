package cutover.starter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import cutover.activities.RunReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's report as one self-contained HTML page (inline CSS and an inline SVG Gantt of phases
 * and steps; no script, no external resource) or as JSON.
 */
final class ReportRenderer {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** The timeline's label column and chart, in percent of the page's width. */
  static final double LABEL_PERCENT = 26;
  static final double CHART_PERCENT = 72;
  private static final int ROW = 20;

  private ReportRenderer() {}

  // ------------------------------------------------------------------------------------ JSON

  static String json(RunTimeline timeline) throws java.io.IOException {
    RunReport r = timeline.report;
    Map<String, Object> root = new LinkedHashMap<>();
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("id", r.runId());
    run.put("target", r.target());
    run.put("state", r.state());
    run.put("startedBy", r.startedBy());
    run.put("startedAt", r.startedAt());
    run.put("endedAt", r.endedAt());
    run.put("millis", millis(timeline.start, timeline.end));
    run.put("detail", r.detail());
    root.put("run", run);
    Map<String, Object> plan = new LinkedHashMap<>();
    plan.put("name", r.planName());
    plan.put("hash", r.planHash());
    plan.put("source", r.planSource());
    root.put("plan", plan);
    List<Map<String, Object>> phases = new ArrayList<>();
    for (RunTimeline.PhaseLine phase : timeline.phases) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("name", phase.name());
      p.put("status", phase.status().word());
      p.put("start", text(phase.start()));
      p.put("end", text(phase.end()));
      p.put("millis", phase.millis());
      p.put("steps", phase.steps().stream().map(ReportRenderer::step).toList());
      phases.add(p);
    }
    root.put("phases", phases);
    root.put("decisions", r.decisions());
    List<Map<String, Object>> findings = new ArrayList<>();
    for (RunReport.FindingRow f : r.findings()) {
      Map<String, Object> finding = new LinkedHashMap<>();
      finding.put("step", f.stepId());
      finding.put("kind", f.kind());
      finding.put("iteration", f.iteration());
      finding.put("passed", f.passed());
      finding.put("at", f.at());
      finding.put("summary", f.summary());
      finding.put("report", parse(f.report()));
      findings.add(finding);
    }
    root.put("findings", findings);
    root.put("soakChecksOmitted", r.soakChecksOmitted());
    root.put("backfills", timeline.backfills());
    root.put("compensations", timeline.compensations.stream().map(ReportRenderer::step).toList());
    root.put("rollbacks", timeline.rollbacks.stream().map(m -> {
      Map<String, Object> mark = new LinkedHashMap<>();
      mark.put("at", text(m.at()));
      mark.put("kind", m.kind());
      mark.put("step", m.stepId());
      mark.put("by", m.actor());
      mark.put("detail", m.detail());
      return mark;
    }).toList());
    root.put("pauses", timeline.pauses.stream().map(p -> {
      Map<String, Object> pause = new LinkedHashMap<>();
      pause.put("from", text(p.from()));
      pause.put("to", text(p.to()));
      pause.put("step", p.stepId());
      pause.put("by", p.actor());
      pause.put("detail", p.detail());
      return pause;
    }).toList());
    root.put("events", r.events());
    return MAPPER.writeValueAsString(root);
  }

  private static Map<String, Object> step(RunTimeline.StepLine s) {
    Map<String, Object> step = new LinkedHashMap<>();
    step.put("phase", s.phase());
    step.put("id", s.id());
    step.put("kind", s.kind());
    step.put("status", s.status().word());
    step.put("start", text(s.start()));
    step.put("end", text(s.end()));
    step.put("millis", s.millis());
    step.put("outcome", s.outcome());
    step.put("rows", s.rows());
    step.put("attempts", s.attempts());
    step.put("pointOfNoReturn", s.pointOfNoReturn());
    return step;
  }

  private static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (java.io.IOException notJson) {
      return MAPPER.getNodeFactory().textNode(json);
    }
  }

  // ------------------------------------------------------------------------------------ HTML

  static String html(RunTimeline timeline) {
    RunReport r = timeline.report;
    Long span = millis(timeline.start, timeline.end);
    boolean clock = span != null && span < 86_400_000L;
    StringBuilder h = new StringBuilder(64_000);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>cutover report: ").append(esc(r.runId())).append("</title>\n<style>\n").append(CSS)
        .append("</style>\n</head>\n<body>\n");
    h.append("<h1>Cutover run <code>").append(esc(r.runId())).append("</code> <span class=\"state s-")
        .append(esc(r.state())).append("\">").append(esc(r.state())).append("</span></h1>\n");
    h.append("<table class=\"facts\">\n");
    fact(h, "plan", r.planName() + " (version " + shortHash(r.planHash()) + ")");
    fact(h, "target", r.target());
    fact(h, "started by", r.startedBy());
    fact(h, "started", r.startedAt());
    fact(h, "ended", r.endedAt() == null ? "still running" : r.endedAt());
    fact(h, "took", duration(millis(timeline.start, timeline.end)));
    if (r.detail() != null) {
      fact(h, "detail", r.detail());
    }
    h.append("</table>\n");

    h.append("<h2>Timeline</h2>\n");
    gantt(h, timeline);

    h.append("<h2>Phases and steps</h2>\n");
    if (clock) {
      h.append("<p class=\"none\">Times of day in UTC, on ").append(esc(String.valueOf(timeline.start).substring(0, 10)))
          .append(".</p>\n");
    }
    h.append("<table class=\"steps\">\n<thead><tr><th>phase</th><th>step</th><th>kind</th>")
        .append("<th>start</th><th>end</th><th>duration</th><th>outcome</th></tr></thead>\n<tbody>\n");
    for (RunTimeline.PhaseLine phase : timeline.phases) {
      h.append("<tr class=\"phase\"><td colspan=\"3\">").append(esc(phase.name())).append(" <span class=\"st st-")
          .append(cls(phase.status())).append("\">").append(esc(phase.status().word())).append("</span></td><td>")
          .append(esc(when(phase.start(), clock))).append("</td><td>").append(esc(when(phase.end(), clock))).append("</td><td>")
          .append(duration(phase.millis())).append("</td><td>").append(esc(phase.description())).append("</td></tr>\n");
      for (RunTimeline.StepLine step : phase.steps()) {
        stepRow(h, step, clock);
      }
    }
    h.append("</tbody>\n</table>\n");

    h.append("<h2>Approvals and refusals</h2>\n");
    if (r.decisions().isEmpty()) {
      h.append("<p class=\"none\">No decisions were made in this run.</p>\n");
    } else {
      h.append("<table>\n<thead><tr><th>when</th><th>gate</th><th>decision</th><th>who</th><th>comment</th>")
          .append("<th>accepted</th></tr></thead>\n<tbody>\n");
      for (RunReport.DecisionRow d : r.decisions()) {
        h.append("<tr class=\"").append(d.accepted() ? "ok" : "refused").append("\"><td>").append(esc(d.at()))
            .append("</td><td>").append(esc(d.stepId())).append("</td><td>").append(esc(d.decision())).append("</td><td>")
            .append(esc(d.by())).append(d.signed() ? " (signed)" : "").append("</td><td>").append(esc(d.comment())).append("</td><td>")
            .append(d.accepted() ? "yes" : "refused: " + esc(d.refusal())).append("</td></tr>\n");
      }
      h.append("</tbody>\n</table>\n");
    }

    h.append("<h2>Verification findings</h2>\n");
    if (r.findings().isEmpty()) {
      h.append("<p class=\"none\">No verification step reported findings.</p>\n");
    } else {
      for (RunReport.FindingRow f : r.findings()) {
        h.append("<details class=\"finding ").append(f.passed() ? "passed" : "failed").append("\"")
            .append(f.passed() ? "" : " open").append(">\n<summary><b>").append(esc(f.stepId())).append("</b> ")
            .append(esc(f.kind())).append(f.iteration() == null ? "" : " (soak check " + f.iteration() + ")")
            .append(" · ").append(f.passed() ? "passed" : "FAILED").append(" · ").append(esc(f.at()))
            .append("<br><span class=\"summary\">").append(esc(f.summary())).append("</span></summary>\n<pre>")
            .append(esc(pretty(f.report()))).append("</pre>\n</details>\n");
      }
      if (r.soakChecksOmitted() > 0) {
        h.append("<p class=\"none\">").append(r.soakChecksOmitted())
            .append(" earlier passed soak checks are not listed (the ledger keeps them all).</p>\n");
      }
    }

    List<Map<String, Object>> backfills = timeline.backfills();
    if (!backfills.isEmpty()) {
      h.append("<h2>Backfill rates</h2>\n<table>\n<thead><tr><th>step</th><th>rows</th><th>duration</th>")
          .append("<th>rows/s</th></tr></thead>\n<tbody>\n");
      for (Map<String, Object> b : backfills) {
        h.append("<tr><td>").append(esc(String.valueOf(b.get("step")))).append("</td><td>")
            .append(String.format(Locale.ROOT, "%,d", (Long) b.get("rows"))).append("</td><td>")
            .append(duration((Long) b.get("millis"))).append("</td><td>")
            .append(b.get("rowsPerSecond") == null ? "" : String.format(Locale.ROOT, "%,d", (Long) b.get("rowsPerSecond")))
            .append("</td></tr>\n");
      }
      h.append("</tbody>\n</table>\n");
    }

    h.append("<h2>Compensations run</h2>\n");
    if (timeline.compensations.isEmpty()) {
      h.append("<p class=\"none\">No step was compensated: there was no rollback.</p>\n");
    } else {
      h.append("<table class=\"steps\">\n<thead><tr><th>phase</th><th>step</th><th>kind</th><th>start</th><th>end</th>")
          .append("<th>duration</th><th>outcome</th></tr></thead>\n<tbody>\n");
      timeline.compensations.forEach(step -> stepRow(h, step, clock));
      h.append("</tbody>\n</table>\n");
    }

    h.append("<h2>Events</h2>\n<table>\n<thead><tr><th>when</th><th>event</th><th>step</th><th>who</th><th>detail</th>")
        .append("</tr></thead>\n<tbody>\n");
    for (RunReport.EventRow e : r.events()) {
      h.append("<tr><td>").append(esc(e.at())).append("</td><td>").append(esc(e.kind())).append("</td><td>")
          .append(esc(e.stepId())).append("</td><td>").append(esc(e.actor())).append("</td><td>").append(esc(e.detail()))
          .append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n");

    h.append("<h2>Plan</h2>\n<details><summary>").append(esc(r.planName())).append(" version ")
        .append(esc(r.planHash())).append("</summary>\n<pre>").append(esc(r.planSource())).append("</pre>\n</details>\n");
    h.append("<footer>cutover report · generated ").append(esc(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        .toString())).append("</footer>\n</body>\n</html>\n");
    return h.toString();
  }

  /** Tables show times of day (UTC) when the whole run fits in a day, full instants otherwise. */
  private static String when(Instant instant, boolean clock) {
    if (instant == null) {
      return "";
    }
    return clock ? java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(java.time.ZoneOffset.UTC)
        .format(instant) : instant.toString();
  }

  private static void stepRow(StringBuilder h, RunTimeline.StepLine step, boolean clock) {
    h.append("<tr class=\"step\"><td>").append(esc(step.phase())).append("</td><td>").append(esc(step.id()))
        .append(step.pointOfNoReturn() ? " <span class=\"ponr\" title=\"point of no return\">⚑</span>" : "")
        .append("</td><td>").append(esc(step.kind())).append("</td><td>").append(esc(when(step.start(), clock)))
        .append("</td><td>").append(esc(when(step.end(), clock))).append("</td><td>").append(duration(step.millis()))
        .append("</td><td><span class=\"st st-").append(cls(step.status())).append("\">").append(esc(step.status().word()))
        .append("</span> ").append(esc(step.outcome())).append("</td></tr>\n");
  }

  /**
   * Phases and steps as bars on one time axis, from the run's start to its end, as wide as the
   * page: the labels take the left {@value #LABEL_PERCENT}% (clipped there), the bars the rest, all
   * placed in percentages of the page's width. Below the steps, one labelled row per mark: each
   * rollback, failure and pause, whose line or band crosses the whole chart.
   */
  private static void gantt(StringBuilder h, RunTimeline timeline) {
    Instant t0 = timeline.start;
    Instant t1 = timeline.end;
    long span = Math.max(1, millis(t0, t1) == null ? 1 : millis(t0, t1));
    int rows = 1;
    for (RunTimeline.PhaseLine phase : timeline.phases) {
      rows += 1 + phase.steps().size();
    }
    if (!timeline.compensations.isEmpty()) {
      rows += 1 + timeline.compensations.size();
    }
    int marks = timeline.rollbacks.size() + timeline.failures.size() + timeline.pauses.size();
    rows += marks == 0 ? 0 : 1 + marks;
    int height = rows * ROW + 30;
    h.append("<svg id=\"timeline\" class=\"gantt\" xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" height=\"")
        .append(height).append("\" role=\"img\" aria-label=\"timeline of the run's phases and steps\">\n");
    h.append("<defs><clipPath id=\"labels\"><rect x=\"0\" y=\"0\" width=\"").append(fmt(LABEL_PERCENT - 0.5))
        .append("%\" height=\"100%\"/></clipPath></defs>\n");
    for (RunTimeline.Pause pause : timeline.pauses) {
      if (pause.from() != null && t0 != null) {
        Instant to = pause.to() == null ? t1 : pause.to();
        h.append("<rect class=\"pause\" x=\"").append(pct(at(t0, pause.from(), span))).append("\" y=\"18\" width=\"")
            .append(pct(Math.max(0.2, CHART_PERCENT * Math.max(0, Duration.between(pause.from(), to).toMillis()) / span)))
            .append("\" height=\"").append(height - 24).append("\"><title>").append(esc(pause.label()))
            .append("</title></rect>\n");
      }
    }
    for (int i = 0; i <= 5; i++) {
      String x = pct(LABEL_PERCENT + CHART_PERCENT * i / 5.0);
      h.append("<line class=\"tick\" x1=\"").append(x).append("\" y1=\"18\" x2=\"").append(x)
          .append("\" y2=\"").append(height - 6).append("\"/>");
      h.append("<text class=\"axis\" x=\"").append(x).append("\" y=\"12\" text-anchor=\"").append(i == 5 ? "end" : "middle")
          .append("\">+").append(esc(duration(Math.round(span * i / 5.0)))).append("</text>\n");
    }
    int y = 24;
    for (RunTimeline.PhaseLine phase : timeline.phases) {
      bar(h, y, "phase " + phase.name(), phase.start(), phase.end(), t0, span, "bar-phase", phase.status().word(),
          "phase " + phase.name() + ": " + phase.status().word(), true);
      y += ROW;
      for (RunTimeline.StepLine step : phase.steps()) {
        bar(h, y, "  " + step.id() + " (" + step.kind() + ")", step.start(), step.end() == null ? t1 : step.end(), t0,
            span, "bar-" + cls(step.status()), step.status().word(), step.id() + ": " + step.status().word()
                + (step.outcome() == null ? "" : " — " + step.outcome()), false, timeline.compensationOf(step));
        y += ROW;
      }
    }
    if (!timeline.compensations.isEmpty()) {
      bar(h, y, "rollback", timeline.compensations.get(0).start(),
          timeline.compensations.get(timeline.compensations.size() - 1).end(), t0, span, "bar-phase", "rollback",
          "compensations", true);
      y += ROW;
      for (RunTimeline.StepLine step : timeline.compensations) {
        bar(h, y, "  undo " + step.id(), step.start(), step.end(), t0, span, "bar-compensated", RunTimeline.Status.COMPENSATED.word(),
            step.id() + ": " + step.outcome(), false);
        y += ROW;
      }
    }
    if (marks > 0) {
      h.append("<g class=\"row\"><text class=\"label bold\" x=\"4\" y=\"").append(y + 14)
          .append("\" clip-path=\"url(#labels)\">marks</text></g>\n");
      y += ROW;
    }
    for (RunTimeline.RollbackMark mark : timeline.rollbacks) {
      y = mark(h, y, height, "rollback", "mark-rollback", mark.at(), t0, span, mark.label() + " at " + mark.at());
    }
    for (RunTimeline.Mark mark : timeline.failures) {
      y = mark(h, y, height, mark.kind().replace('_', ' '), "failure", mark.at(), t0, span,
          mark.kind().replace('_', ' ') + (mark.stepId() == null ? "" : " " + mark.stepId()) + " at " + mark.at()
              + (mark.detail() == null ? "" : ": " + mark.detail()));
    }
    for (RunTimeline.Pause pause : timeline.pauses) {
      String until = pause.to() == null ? "never resumed" : "resumed after "
          + duration(millis(pause.from(), pause.to()));
      y = mark(h, y, height, "pause", "mark-pause", pause.from(), t0, span, pause.label() + " · " + until);
    }
    h.append("</svg>\n");
  }

  /** A mark's row: its name among the labels, a line across the chart at its time, and its label beside the line. */
  private static int mark(StringBuilder h, int y, int height, String name, String css, Instant at, Instant t0, long span,
      String label) {
    h.append("<g class=\"row\"><text class=\"label\" x=\"4\" y=\"").append(y + 14)
        .append("\" clip-path=\"url(#labels)\">  ").append(esc(name)).append("</text>");
    if (at != null && t0 != null) {
      double x = at(t0, at, span);
      boolean right = x > LABEL_PERCENT + CHART_PERCENT * 0.6;
      h.append("<line class=\"").append(css).append("\" x1=\"").append(pct(x)).append("\" y1=\"18\" x2=\"")
          .append(pct(x)).append("\" y2=\"").append(height - 6).append("\"><title>").append(esc(label))
          .append("</title></line>");
      h.append("<text class=\"marklabel ").append(css).append("\" x=\"").append(pct(x)).append("\" dx=\"")
          .append(right ? "-4" : "4").append("\" y=\"").append(y + 14).append("\" text-anchor=\"")
          .append(right ? "end" : "start").append("\">").append(esc(label)).append("</text>");
    }
    h.append("</g>\n");
    return y + ROW;
  }

  private static void bar(StringBuilder h, int y, String label, Instant from, Instant to, Instant t0, long span,
      String css, String status, String title, boolean bold) {
    bar(h, y, label, from, to, t0, span, css, status, title, bold, null);
  }

  /** @param undo the step's compensation, drawn on the step's own row too, or null */
  private static void bar(StringBuilder h, int y, String label, Instant from, Instant to, Instant t0, long span,
      String css, String status, String title, boolean bold, RunTimeline.StepLine undo) {
    h.append("<g class=\"row\"><text class=\"label").append(bold ? " bold" : "").append("\" x=\"4\" y=\"")
        .append(y + 14).append("\" clip-path=\"url(#labels)\">")
        .append(esc(label.length() > 60 ? label.substring(0, 59) + "…" : label)).append("</text>");
    if (from != null && t0 != null) {
      segment(h, y, from, to, t0, span, css, title);
    } else {
      h.append("<text class=\"notrun\" x=\"").append(pct(LABEL_PERCENT)).append("\" dx=\"4\" y=\"").append(y + 14)
          .append("\">").append(esc(status)).append("</text>");
    }
    if (undo != null && undo.start() != null && t0 != null) {
      segment(h, y, undo.start(), undo.end(), t0, span, "bar-compensated", "undone: " + undo.outcome());
    }
    h.append("</g>\n");
  }

  private static void segment(StringBuilder h, int y, Instant from, Instant to, Instant t0, long span, String css,
      String title) {
    double x = at(t0, from, span);
    double w = to == null ? 0.2
        : Math.max(0.2, CHART_PERCENT * Math.max(0, Duration.between(from, to).toMillis()) / (double) span);
    w = Math.min(w, LABEL_PERCENT + CHART_PERCENT - x + 0.1);
    h.append("<rect class=\"").append(css).append("\" x=\"").append(pct(x)).append("\" y=\"").append(y + 3)
        .append("\" width=\"").append(pct(w)).append("\" height=\"").append(ROW - 6).append("\" rx=\"2\"><title>")
        .append(esc(title)).append("</title></rect>");
  }

  /** Where an instant falls, in percent of the page's width. */
  private static double at(Instant t0, Instant when, long span) {
    return LABEL_PERCENT + CHART_PERCENT * Math.max(0, Duration.between(t0, when).toMillis()) / (double) span;
  }

  private static String pct(double percent) {
    return String.format(Locale.ROOT, "%.2f%%", percent);
  }

  private static void fact(StringBuilder h, String name, String value) {
    h.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
  }

  private static String pretty(String json) {
    try {
      return MAPPER.writeValueAsString(MAPPER.readTree(json));
    } catch (java.io.IOException notJson) {
      return json;
    }
  }

  static String esc(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String cls(RunTimeline.Status status) {
    return status == null ? "none" : status.word().replace(' ', '-');
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static Long millis(Instant from, Instant to) {
    return from == null || to == null ? null : Math.max(0, Duration.between(from, to).toMillis());
  }

  private static String shortHash(String hash) {
    return hash == null ? "?" : hash.substring(0, Math.min(12, hash.length()));
  }

  /** 850 ms, 12.3 s, 4 min 5 s, 2 h 3 min, 97 d 4 h. */
  static String duration(Long millis) {
    if (millis == null) {
      return "";
    }
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    long seconds = millis / 1000;
    if (seconds < 3600) {
      return seconds / 60 + " min " + seconds % 60 + " s";
    }
    if (seconds < 86_400) {
      return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }
    return seconds / 86_400 + " d " + seconds % 86_400 / 3600 + " h";
  }

  private static final String CSS = """
      body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #1d232a; }
      h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #d8dee4; }
      code, pre { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
      pre { background: #f6f8fa; padding: 10px; overflow-x: auto; white-space: pre-wrap; }
      table { border-collapse: collapse; width: 100%; margin: 8px 0; }
      th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #eaeef2; }
      table.facts { width: auto; } table.facts th { color: #57606a; font-weight: normal; }
      tr.phase td { background: #f6f8fa; font-weight: 600; }
      tr.refused td { color: #a40e26; }
      .state, .st { border-radius: 10px; padding: 1px 8px; font-size: 12px; font-weight: 600; background: #eaeef2; }
      .s-completed, .st-completed { background: #dafbe1; color: #116329; }
      .s-rolled_back, .st-compensated, .st-rolled-back { background: #fbefff; color: #6e40c9; }
      .st-stopped { background: #eaeef2; color: #57606a; }
      .s-active, .st-waiting, .st-partly-run { background: #fff8c5; color: #7d4e00; }
      .st-failed, .st-rejected, .s-failed { background: #ffebe9; color: #a40e26; }
      .st-skipped, .st-not-run { background: #eaeef2; color: #57606a; }
      .st-accepted { background: #fff1e5; color: #953800; } svg .bar-accepted { fill: #fb8f44; }
      .ponr { color: #a40e26; }
      svg.gantt { display: block; border: 1px solid #d8dee4; background: #fff; width: 100%; }
      svg .label { font-size: 12px; fill: #1d232a; white-space: pre; } svg .bold { font-weight: 600; }
      svg .axis { font-size: 11px; fill: #57606a; } svg .notrun { font-size: 11px; fill: #8c959f; }
      svg .tick { stroke: #eaeef2; } svg .failure { stroke: #cf222e; stroke-dasharray: 3 2; stroke-width: 1.5; }
      svg .bar-phase { fill: #57606a; } svg .bar-completed { fill: #2da44e; } svg .bar-failed, svg .bar-rejected { fill: #cf222e; }
      svg .bar-waiting { fill: #d4a72c; } svg .bar-skipped { fill: #8c959f; } svg .bar-compensated { fill: #8250df; }
      svg .bar-not-run { fill: #d8dee4; } svg .bar-rolled-back, svg .bar-stopped { fill: #8c959f; }
      svg .mark-rollback { stroke: #8250df; stroke-width: 1.5; } svg text.mark-rollback { fill: #6e40c9; stroke: none; }
      svg .pause { fill: #eaeef2; opacity: 0.8; } svg .mark-pause { stroke: #57606a; stroke-dasharray: 2 2; }
      svg text.mark-pause { fill: #57606a; stroke: none; } svg text.failure { fill: #a40e26; stroke: none; }
      svg .marklabel { font-size: 11px; }
      details.finding { border: 1px solid #d8dee4; border-radius: 6px; padding: 6px 10px; margin: 8px 0; }
      details.finding.failed { border-color: #cf222e; } details.finding .summary { color: #57606a; }
      .none { color: #57606a; font-style: italic; }
      footer { margin-top: 32px; color: #8c959f; font-size: 12px; }
      """;
}
