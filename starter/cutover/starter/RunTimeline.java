package cutover.starter;

import cutover.activities.RunReport;
import cutover.plan.Phase;
import cutover.plan.PlanStep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A run's report arranged as the timeline people read: every phase of the plan with its steps,
 * each with start, end, duration and outcome, worked out from the ledger's rows (applied steps),
 * decisions (approval gates) and events (waits, soaks, failures). Shared by the HTML and JSON
 * forms of {@code cutover report}.
 */
final class RunTimeline {

  /** One step as it ran; start and end are null when it never ran. */
  record StepLine(String phase, String id, String kind, String description, Instant start, Instant end, String status,
      String outcome, Long rows, Integer attempts, boolean pointOfNoReturn) {

    Long millis() {
      return start == null || end == null ? null : Math.max(0, Duration.between(start, end).toMillis());
    }
  }

  record PhaseLine(String name, String description, Instant start, Instant end, String status, List<StepLine> steps) {
    Long millis() {
      return start == null || end == null ? null : Math.max(0, Duration.between(start, end).toMillis());
    }
  }

  /** A failure seen at a point in time (a step that failed before a retry, a refused rollback). */
  record Mark(String stepId, String kind, Instant at, String detail) {}

  final RunReport report;
  final List<PhaseLine> phases = new ArrayList<>();
  final List<StepLine> compensations = new ArrayList<>();
  final List<Mark> failures = new ArrayList<>();
  final Instant start;
  final Instant end;

  RunTimeline(RunReport report) {
    this.report = report;
    for (Phase phase : phases(report)) {
      List<StepLine> steps = new ArrayList<>();
      for (PlanStep step : phase.steps()) {
        steps.add(line(phase.name(), step));
      }
      Instant from = steps.stream().map(StepLine::start).filter(Objects::nonNull).min(Comparator.naturalOrder()).orElse(null);
      Instant to = steps.stream().map(StepLine::end).filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null);
      phases.add(new PhaseLine(phase.name(), phase.description(), from, to, phaseStatus(steps), steps));
    }
    for (RunReport.StepRow row : report.steps()) {
      if (row.action().equals("compensate")) {
        compensations.add(new StepLine(row.phase(), row.stepId(), row.kind(), null, instant(row.startedAt()),
            instant(row.finishedAt()), "compensated", row.outcome(), row.rows(), row.attempts(), false));
      }
    }
    for (RunReport.EventRow event : report.events()) {
      if (List.of("step_failed", "compensation_failed", "soak_failed", "rollback_refused").contains(event.kind())) {
        failures.add(new Mark(event.stepId(), event.kind(), instant(event.at()), event.detail()));
      }
    }
    start = instant(report.startedAt());
    Instant last = Stream.concat(Stream.concat(phases.stream().map(PhaseLine::end), compensations.stream().map(StepLine::end)),
            Stream.of(instant(report.endedAt())))
        .filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(start);
    end = last == null || start == null || last.isBefore(start) ? start : last;
  }

  /** Backfill steps with their rates, rows per second. */
  List<Map<String, Object>> backfills() {
    List<Map<String, Object>> rates = new ArrayList<>();
    for (PhaseLine phase : phases) {
      for (StepLine step : phase.steps()) {
        if ("backfill".equals(step.kind()) && step.rows() != null && step.millis() != null) {
          Map<String, Object> rate = new LinkedHashMap<>();
          rate.put("step", step.id());
          rate.put("rows", step.rows());
          rate.put("millis", step.millis());
          rate.put("rowsPerSecond", step.millis() == 0 ? null : Math.round(step.rows() * 1000.0 / step.millis()));
          rates.add(rate);
        }
      }
    }
    return rates;
  }

  private static List<Phase> phases(RunReport report) {
    if (report.plan() != null) {
      return report.plan().phases();
    }
    // the plan could not be read back: the phases and steps the ledger holds, in the order they ran
    Map<String, List<PlanStep>> byPhase = new LinkedHashMap<>();
    for (RunReport.StepRow row : report.steps()) {
      if (row.action().equals("apply")) {
        byPhase.computeIfAbsent(row.phase(), p -> new ArrayList<>())
            .add(new PlanStep(row.stepId(), row.kind(), null, null, false, false, Map.of(), 0));
      }
    }
    List<Phase> phases = new ArrayList<>();
    byPhase.forEach((name, steps) -> phases.add(new Phase(name, null, steps)));
    return phases;
  }

  private StepLine line(String phase, PlanStep step) {
    return switch (step.kind() == null ? "" : step.kind()) {
      case "approval" -> approval(phase, step);
      case "wait" -> timed(phase, step, "wait_started", List.of("wait_fired", "wait_skipped"));
      case "soak" -> timed(phase, step, "soak_started", List.of("soak_passed", "soak_skipped", "soak_failed"));
      default -> applied(phase, step);
    };
  }

  private StepLine applied(String phase, PlanStep step) {
    RunReport.StepRow row = report.steps().stream()
        .filter(s -> s.stepId().equals(step.id()) && s.action().equals("apply")).findFirst().orElse(null);
    if (row != null) {
      return new StepLine(phase, step.id(), step.kind(), step.description(), instant(row.startedAt()),
          instant(row.finishedAt()), "completed", row.outcome(), row.rows(), row.attempts(), step.pointOfNoReturn());
    }
    RunReport.EventRow failed = lastEvent(step.id(), List.of("step_failed"));
    if (failed != null) {
      return new StepLine(phase, step.id(), step.kind(), step.description(), instant(failed.at()), instant(failed.at()),
          "failed", failed.detail(), null, null, step.pointOfNoReturn());
    }
    return notRun(phase, step);
  }

  private StepLine approval(String phase, PlanStep step) {
    RunReport.EventRow opened = firstEvent(step.id(), List.of("gate_opened"));
    List<RunReport.DecisionRow> accepted = report.decisions().stream()
        .filter(d -> d.stepId().equals(step.id()) && d.accepted()).toList();
    List<RunReport.DecisionRow> approvals = accepted.stream().filter(d -> d.decision().equals("approve")).toList();
    RunReport.DecisionRow last = accepted.isEmpty() ? null : accepted.get(accepted.size() - 1);
    Instant start = opened != null ? instant(opened.at()) : accepted.isEmpty() ? null : instant(accepted.get(0).at());
    if (last == null) {
      return start == null ? notRun(phase, step) : new StepLine(phase, step.id(), step.kind(), step.description(),
          start, null, "waiting", opened.detail(), null, null, step.pointOfNoReturn());
    }
    String status = last.decision().equals("reject") ? "rejected" : "completed";
    String outcome = status.equals("rejected") ? "rejected by " + last.by() + comment(last)
        : "approved by " + String.join(", ", approvals.stream().map(d -> d.by() + comment(d)).toList());
    return new StepLine(phase, step.id(), step.kind(), step.description(), start, instant(last.at()), status, outcome,
        null, null, step.pointOfNoReturn());
  }

  private StepLine timed(String phase, PlanStep step, String started, List<String> ends) {
    RunReport.EventRow begin = lastEvent(step.id(), List.of(started));
    if (begin == null) {
      return notRun(phase, step);
    }
    RunReport.EventRow end = lastEvent(step.id(), ends);
    if (end == null || instant(end.at()).isBefore(instant(begin.at()))) {
      return new StepLine(phase, step.id(), step.kind(), step.description(), instant(begin.at()), null, "waiting",
          begin.detail(), null, null, step.pointOfNoReturn());
    }
    String status = end.kind().endsWith("skipped") ? "skipped" : end.kind().endsWith("failed") ? "failed" : "completed";
    return new StepLine(phase, step.id(), step.kind(), step.description(), instant(begin.at()), instant(end.at()), status,
        end.detail(), null, null, step.pointOfNoReturn());
  }

  private StepLine notRun(String phase, PlanStep step) {
    return new StepLine(phase, step.id(), step.kind(), step.description(), null, null, "not run", null, null, null,
        step.pointOfNoReturn());
  }

  private static String comment(RunReport.DecisionRow d) {
    return d.comment() == null || d.comment().isBlank() ? "" : " (\"" + d.comment() + "\")";
  }

  private RunReport.EventRow firstEvent(String stepId, List<String> kinds) {
    return report.events().stream().filter(e -> stepId.equals(e.stepId()) && kinds.contains(e.kind())).findFirst()
        .orElse(null);
  }

  private RunReport.EventRow lastEvent(String stepId, List<String> kinds) {
    RunReport.EventRow found = null;
    for (RunReport.EventRow e : report.events()) {
      if (stepId.equals(e.stepId()) && kinds.contains(e.kind())) {
        found = e;
      }
    }
    return found;
  }

  private static String phaseStatus(List<StepLine> steps) {
    if (steps.stream().allMatch(s -> s.status().equals("not run"))) {
      return "not run";
    }
    if (steps.stream().anyMatch(s -> s.status().equals("failed") || s.status().equals("rejected"))) {
      return "failed";
    }
    if (steps.stream().allMatch(s -> List.of("completed", "skipped").contains(s.status()))) {
      return "completed";
    }
    return "partly run";
  }

  static Instant instant(String text) {
    return text == null ? null : Instant.parse(text);
  }
}
