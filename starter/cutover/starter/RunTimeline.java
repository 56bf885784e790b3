package cutover.starter;

import com.fasterxml.jackson.annotation.JsonValue;
import cutover.activities.LedgerRunState;
import cutover.activities.RunEventKind;
import cutover.activities.RunReport;
import cutover.activities.StepAction;
import cutover.activities.steps.Decision;
import cutover.activities.steps.GateEvents;
import cutover.activities.steps.GateKind;
import cutover.activities.steps.StepKind;
import cutover.activities.steps.StepKinds;
import cutover.plan.PlanStep;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A run's report arranged as the timeline people read: every phase of the plan with its steps,
 * each with start, end, duration and outcome, worked out from the ledger's rows (applied steps),
 * decisions (approval gates) and events (waits, soaks, failures). Shared by the HTML and JSON
 * forms of {@code cutover report}.
 */
final class RunTimeline {

  /** Where a step or a phase of the timeline ended up. */
  enum Status {
    COMPLETED("completed"),
    FAILED("failed"),
    REJECTED("rejected"),
    SKIPPED("skipped"),
    /** A verification that failed, whose findings a person accepted with a reason. */
    ACCEPTED("accepted"),
    WAITING("waiting"),
    COMPENSATED("compensated"),
    /** A gate that was open when its run rolled back: no one decided it, and no one will. */
    ROLLED_BACK("rolled back"),
    /** A gate that was open when its run ended otherwise (failed, abandoned). */
    STOPPED("stopped"),
    NOT_RUN("not run"),
    PARTLY_RUN("partly run");

    private final String word;

    Status(String word) {
      this.word = word;
    }

    /** The word the report shows: {@code not run}. */
    @JsonValue
    String word() {
      return word;
    }
  }

  /** One step as it ran; start and end are null when it never ran. */
  record StepLine(String phase, String id, String kind, String description, Instant start, Instant end, Status status,
      String outcome, Long rows, Integer attempts, boolean pointOfNoReturn) {

    Long millis() {
      return start == null || end == null ? null : Math.max(0, Duration.between(start, end).toMillis());
    }
  }

  record PhaseLine(String name, String description, Instant start, Instant end, Status status, List<StepLine> steps) {
    Long millis() {
      return start == null || end == null ? null : Math.max(0, Duration.between(start, end).toMillis());
    }
  }

  /** A failure seen at a point in time (a step that failed before a retry, a refused rollback). */
  record Mark(String stepId, String kind, Instant at, String detail) {}

  /** A rollback asked for or begun, at a point in time: who asked, and why. */
  record RollbackMark(String stepId, String kind, Instant at, String actor, String detail) {
    /** "rollback requested by carol: abandon", "rollback: step 'parity' failed". */
    String label() {
      return (RunEventKind.of(kind) == RunEventKind.ROLLBACK_REQUESTED ? "rollback requested" : "rollback")
          + (actor == null ? "" : " by " + actor) + (detail == null || detail.isBlank() ? "" : ": " + detail);
    }
  }

  /** The run was paused from {@code from} to {@code to} (null: never resumed) by {@code actor}. */
  record Pause(String stepId, Instant from, Instant to, String actor, String detail) {
    String label() {
      return "paused" + (actor == null ? "" : " by " + actor) + (stepId == null ? "" : " at " + stepId)
          + (detail == null || detail.isBlank() ? "" : ": " + detail);
    }
  }

  /** A step of the plan, or, when the plan could not be read back, as the ledger names it. */
  private record Entry(String id, String kind, String description, boolean pointOfNoReturn) {
    static Entry of(PlanStep step) {
      return new Entry(step.id(), step.kind(), step.description(), step.pointOfNoReturn());
    }
  }

  private record PhaseEntries(String name, String description, List<Entry> steps) {}

  private static final Set<RunEventKind> FAILURES = EnumSet.of(RunEventKind.STEP_FAILED, RunEventKind.COMPENSATION_FAILED,
      RunEventKind.SOAK_FAILED, RunEventKind.ROLLBACK_REFUSED);

  final RunReport report;
  final List<PhaseLine> phases = new ArrayList<>();
  final List<StepLine> compensations = new ArrayList<>();
  final List<Mark> failures = new ArrayList<>();
  final List<RollbackMark> rollbacks = new ArrayList<>();
  final List<Pause> pauses = new ArrayList<>();
  final Instant start;
  final Instant end;

  RunTimeline(RunReport report) {
    this.report = report;
    for (RunReport.EventRow event : report.events()) {
      RunEventKind kind = RunEventKind.of(event.kind());
      if (kind == RunEventKind.ROLLBACK || kind == RunEventKind.ROLLBACK_REQUESTED) {
        rollbacks.add(new RollbackMark(event.stepId(), event.kind(), instant(event.at()), event.actor(), event.detail()));
      }
    }
    pauses.addAll(pauses(report));
    for (PhaseEntries phase : phases(report)) {
      List<StepLine> steps = new ArrayList<>();
      for (Entry step : phase.steps()) {
        steps.add(line(phase.name(), step));
      }
      Instant from = steps.stream().map(StepLine::start).filter(Objects::nonNull).min(Comparator.naturalOrder()).orElse(null);
      Instant to = steps.stream().map(StepLine::end).filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null);
      phases.add(new PhaseLine(phase.name(), phase.description(), from, to, phaseStatus(steps), steps));
    }
    for (RunReport.StepRow row : report.steps()) {
      if (StepAction.COMPENSATE.word().equals(row.action())) {
        compensations.add(new StepLine(row.phase(), row.stepId(), row.kind(), null, instant(row.startedAt()),
            instant(row.finishedAt()), Status.COMPENSATED, row.outcome(), row.rows(), row.attempts(), false));
      }
    }
    for (RunReport.EventRow event : report.events()) {
      if (FAILURES.contains(RunEventKind.of(event.kind()))) {
        failures.add(new Mark(event.stepId(), event.kind(), instant(event.at()), event.detail()));
      }
    }
    start = instant(report.startedAt());
    Instant last = Stream.concat(Stream.concat(phases.stream().map(PhaseLine::end), compensations.stream().map(StepLine::end)),
            Stream.of(instant(report.endedAt())))
        .filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(start);
    end = last == null || start == null || last.isBefore(start) ? start : last;
  }

  /** The pauses: each PAUSE to the RESUME after it (a RESUME without a pause is a run taken over, not one). */
  private static List<Pause> pauses(RunReport report) {
    List<Pause> found = new ArrayList<>();
    RunReport.EventRow open = null;
    for (RunReport.EventRow event : report.events()) {
      RunEventKind kind = RunEventKind.of(event.kind());
      if (kind == RunEventKind.PAUSE && open == null) {
        open = event;
      } else if (kind == RunEventKind.RESUME && open != null) {
        found.add(new Pause(open.stepId(), instant(open.at()), instant(event.at()), open.actor(), open.detail()));
        open = null;
      }
    }
    if (open != null) {
      found.add(new Pause(open.stepId(), instant(open.at()), instant(report.endedAt()), open.actor(), open.detail()));
    }
    return found;
  }

  /** The compensation of a step of a phase, or null when it was not compensated. */
  StepLine compensationOf(StepLine step) {
    return compensations.stream().filter(c -> Objects.equals(c.phase(), step.phase()) && c.id().equals(step.id()))
        .findFirst().orElse(null);
  }

  /**
   * A gate still open when the run ended: rolled back (ended by the first rollback after it opened,
   * else the run's end), or stopped with the run; null while the run goes on.
   */
  private StepLine closedWithTheRun(String phase, Entry step, Instant opened, String detail) {
    if (report.endedAt() == null) {
      return null;
    }
    boolean rolledBack = LedgerRunState.ROLLED_BACK.word().equals(report.state());
    Instant end = rolledBack ? rollbacks.stream().map(RollbackMark::at)
        .filter(at -> at != null && !at.isBefore(opened)).findFirst().orElse(instant(report.endedAt()))
        : instant(report.endedAt());
    return new StepLine(phase, step.id(), step.kind(), step.description(), opened, end,
        rolledBack ? Status.ROLLED_BACK : Status.STOPPED,
        (rolledBack ? "rolled back while waiting" : "the run ended while waiting")
            + (detail == null || detail.isBlank() ? "" : " (" + detail + ")"), null, null, step.pointOfNoReturn());
  }

  /** Backfill steps with their rates, rows per second. */
  List<Map<String, Object>> backfills() {
    List<Map<String, Object>> rates = new ArrayList<>();
    for (PhaseLine phase : phases) {
      for (StepLine step : phase.steps()) {
        boolean batched = StepKinds.ALL.find(step.kind()).map(k -> k.execution() == StepKind.Execution.BATCHED)
            .orElse(false);
        if (batched && step.rows() != null && step.millis() != null) {
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

  private static List<PhaseEntries> phases(RunReport report) {
    if (report.plan() != null) {
      return report.plan().phases().stream().map(p -> new PhaseEntries(p.name(), p.description(),
          p.steps().stream().map(Entry::of).toList())).toList();
    }
    // the plan could not be read back: the phases and steps the ledger holds, in the order they ran
    Map<String, List<Entry>> byPhase = new LinkedHashMap<>();
    for (RunReport.StepRow row : report.steps()) {
      if (StepAction.APPLY.word().equals(row.action())) {
        byPhase.computeIfAbsent(row.phase(), p -> new ArrayList<>())
            .add(new Entry(row.stepId(), row.kind(), null, false));
      }
    }
    List<PhaseEntries> phases = new ArrayList<>();
    byPhase.forEach((name, steps) -> phases.add(new PhaseEntries(name, null, steps)));
    return phases;
  }

  /** A gate's line from its events and decisions; any other step's from its ledger row. */
  private StepLine line(String phase, Entry step) {
    StepKind<?> kind = StepKinds.ALL.find(step.kind()).orElse(null);
    if (kind instanceof GateKind<?> gate) {
      GateEvents events = gate.events();
      return events.decidedByPeople() ? approval(phase, step, events)
          : timed(phase, step, events.opened(), events.ended());
    }
    return applied(phase, step);
  }

  private StepLine applied(String phase, Entry step) {
    RunReport.StepRow row = report.steps().stream()
        .filter(s -> s.stepId().equals(step.id()) && StepAction.APPLY.word().equals(s.action())).findFirst().orElse(null);
    if (row != null) {
      return new StepLine(phase, step.id(), step.kind(), step.description(), instant(row.startedAt()),
          instant(row.finishedAt()), Status.COMPLETED, row.outcome(), row.rows(), row.attempts(), step.pointOfNoReturn());
    }
    RunReport.EventRow failed = lastEvent(step.id(), List.of(RunEventKind.STEP_FAILED));
    StepLine accepted = accepted(phase, step, failed);
    if (accepted != null) {
      return accepted;
    }
    if (failed != null) {
      return new StepLine(phase, step.id(), step.kind(), step.description(), instant(failed.at()), instant(failed.at()),
          Status.FAILED, failed.detail(), null, null, step.pointOfNoReturn());
    }
    return notRun(phase, step);
  }

  private StepLine approval(String phase, Entry step, GateEvents events) {
    RunReport.EventRow opened = firstEvent(step.id(), List.of(events.opened()));
    List<RunReport.DecisionRow> accepted = report.decisions().stream()
        .filter(d -> d.stepId().equals(step.id()) && d.accepted()).toList();
    List<RunReport.DecisionRow> approvals = accepted.stream().filter(d -> Decision.APPROVE.word().equals(d.decision())).toList();
    RunReport.DecisionRow last = accepted.isEmpty() ? null : accepted.get(accepted.size() - 1);
    Instant start = opened != null ? instant(opened.at()) : accepted.isEmpty() ? null : instant(accepted.get(0).at());
    if (last == null) {
      if (start == null) {
        return notRun(phase, step);
      }
      StepLine closed = closedWithTheRun(phase, step, start, opened.detail());
      return closed != null ? closed : new StepLine(phase, step.id(), step.kind(), step.description(),
          start, null, Status.WAITING, opened.detail(), null, null, step.pointOfNoReturn());
    }
    Status status = Decision.REJECT.word().equals(last.decision()) ? Status.REJECTED : Status.COMPLETED;
    String outcome = status == Status.REJECTED ? "rejected by " + last.by() + comment(last)
        : "approved by " + String.join(", ", approvals.stream().map(d -> d.by() + comment(d)).toList());
    return new StepLine(phase, step.id(), step.kind(), step.description(), start, instant(last.at()), status, outcome,
        null, null, step.pointOfNoReturn());
  }

  private StepLine timed(String phase, Entry step, RunEventKind started, List<RunEventKind> ends) {
    RunReport.EventRow begin = lastEvent(step.id(), List.of(started));
    if (begin == null) {
      return notRun(phase, step);
    }
    RunReport.EventRow end = lastEvent(step.id(), ends);
    if (end == null || instant(end.at()).isBefore(instant(begin.at()))) {
      StepLine closed = closedWithTheRun(phase, step, instant(begin.at()), begin.detail());
      return closed != null ? closed : new StepLine(phase, step.id(), step.kind(), step.description(), instant(begin.at()), null, Status.WAITING,
          begin.detail(), null, null, step.pointOfNoReturn());
    }
    StepLine accepted = RunEventKind.of(end.kind()) == RunEventKind.SOAK_FAILED ? accepted(phase, step, end) : null;
    if (accepted != null) {
      return accepted;
    }
    Status status = switch (RunEventKind.of(end.kind())) {
      case WAIT_SKIPPED, SOAK_SKIPPED, TASK_SKIPPED -> Status.SKIPPED;
      case SOAK_FAILED -> Status.FAILED;
      default -> Status.COMPLETED;
    };
    return new StepLine(phase, step.id(), step.kind(), step.description(), instant(begin.at()), instant(end.at()), status,
        end.detail(), null, null, step.pointOfNoReturn());
  }

  private StepLine notRun(String phase, Entry step) {
    return new StepLine(phase, step.id(), step.kind(), step.description(), null, null, Status.NOT_RUN, null, null, null,
        step.pointOfNoReturn());
  }

  /**
   * A failed verification whose findings were accepted after its failure: who accepted them, why,
   * and what it found; null when none was.
   */
  private StepLine accepted(String phase, Entry step, RunReport.EventRow failed) {
    RunReport.DecisionRow acceptance = report.decisions().stream()
        .filter(d -> d.stepId() != null && d.stepId().equals(step.id()) && d.accepted()
            && Decision.ACCEPT.word().equals(d.decision())
            && (failed == null || !instant(d.at()).isBefore(instant(failed.at()))))
        .reduce((first, second) -> second).orElse(null);
    if (acceptance == null) {
      return null;
    }
    Instant at = instant(acceptance.at());
    return new StepLine(phase, step.id(), step.kind(), step.description(), failed == null ? at : instant(failed.at()), at,
        Status.ACCEPTED, "accepted by " + acceptance.by() + ": " + acceptance.comment()
            + (failed == null || failed.detail() == null ? "" : " — " + failed.detail()),
        null, null, step.pointOfNoReturn());
  }

  private static String comment(RunReport.DecisionRow d) {
    return d.comment() == null || d.comment().isBlank() ? "" : " (\"" + d.comment() + "\")";
  }

  private RunReport.EventRow firstEvent(String stepId, List<RunEventKind> kinds) {
    return report.events().stream().filter(e -> stepId.equals(e.stepId()) && kinds.contains(RunEventKind.of(e.kind())))
        .findFirst()
        .orElse(null);
  }

  private RunReport.EventRow lastEvent(String stepId, List<RunEventKind> kinds) {
    RunReport.EventRow found = null;
    for (RunReport.EventRow e : report.events()) {
      if (stepId.equals(e.stepId()) && kinds.contains(RunEventKind.of(e.kind()))) {
        found = e;
      }
    }
    return found;
  }

  private static Status phaseStatus(List<StepLine> steps) {
    if (steps.stream().allMatch(s -> s.status() == Status.NOT_RUN)) {
      return Status.NOT_RUN;
    }
    if (steps.stream().anyMatch(s -> s.status() == Status.FAILED || s.status() == Status.REJECTED)) {
      return Status.FAILED;
    }
    if (steps.stream().allMatch(s -> s.status() == Status.COMPLETED || s.status() == Status.SKIPPED
        || s.status() == Status.ACCEPTED)) {
      return Status.COMPLETED;
    }
    return Status.PARTLY_RUN;
  }

  static Instant instant(String text) {
    return text == null ? null : Instant.parse(text);
  }
}
