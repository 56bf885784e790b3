package cutover.activities;

import cutover.activities.steps.StepKinds;
import cutover.plan.InvalidPlanException;
import cutover.plan.Plan;
import cutover.plan.PlanParser;
import io.temporal.failure.ApplicationFailure;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;

/** The ledger's record of a run, read for {@code cutover report}; every text passes the redactor. */
public final class ReportActivitiesImpl implements ReportActivities {
  /** Passed soak checks kept per step (the latest); failed ones are all kept. */
  static final int PASSED_SOAK_CHECKS_KEPT = 3;

  private final Targets targets;

  public ReportActivitiesImpl(Targets targets) {
    this.targets = Objects.requireNonNull(targets, "targets");
  }

  @Override
  public RunReport runReport(RunRef ref) {
    if (ref == null || ref.runId() == null || ref.runId().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("a report needs a run id", "BadRequest");
    }
    List<String> names = ref.target() == null || ref.target().isBlank() ? targets.names() : List.of(ref.target());
    try {
      for (String name : names) {
        DSLContext ledger = targets.dsl(name);
        Optional<Runs.StoredRun> run = new Runs(ledger).run(ref.runId());
        if (run.isPresent()) {
          return report(name, ledger, run.get());
        }
      }
    } catch (ApplicationFailure e) {
      throw e;
    } catch (RuntimeException e) {
      throw SqlErrors.ledgerFailure(e, targets, "reading run " + ref.runId());
    }
    throw ApplicationFailure.newNonRetryableFailure("there is no run " + ref.runId() + " in the ledger of "
        + (names.size() == 1 ? "target '" + names.get(0) + "'" : "any target (" + String.join(", ", names) + ")")
        + "; `cutover list` shows the runs", "RunNotFound");
  }

  private RunReport report(String target, DSLContext ledger, Runs.StoredRun run) {
    Optional<Plans.StoredPlan> stored = new Plans(ledger).planByHash(run.planName(), run.planHash());
    Plan plan = null;
    if (stored.isPresent()) {
      try {
        plan = PlanParser.parse(stored.get().source(), stored.get().fileName(), null, StepKinds.ALL);
      } catch (InvalidPlanException stale) {
        plan = null; // pushed by an older version of cutover: the source is still shown
      }
    }
    List<RunReport.StepRow> steps = new ArrayList<>();
    for (AppliedSteps.StoredStep s : new AppliedSteps(ledger).steps(run.runId())) {
      steps.add(new RunReport.StepRow(s.stepId(), s.action().word(), s.phase(), s.kind(), redact(s.outcome()), s.rows(),
          s.attempts(), time(s.startedAt()), time(s.finishedAt())));
    }
    List<RunReport.DecisionRow> decisions = new ArrayList<>();
    for (DecisionRecord d : new Decisions(ledger).decisions(target, run.runId())) {
      decisions.add(new RunReport.DecisionRow(d.stepId(), d.decision(), d.decidedBy(), redact(d.comment()),
          d.accepted(), redact(d.refusal()), java.time.Instant.ofEpochMilli(d.decidedAtMillis()).toString(), d.signed()));
    }
    List<RunReport.EventRow> events = new ArrayList<>();
    for (Map.Entry<RunEvent, OffsetDateTime> e : new RunEvents(ledger).timedEvents(target, run.runId())) {
      RunEvent event = e.getKey();
      events.add(new RunReport.EventRow(event.kind(), event.stepId(), event.actor(), redact(event.detail()),
          time(e.getValue())));
    }
    List<StepReports.StoredReport> stored2 = new StepReports(ledger).reports(run.runId());
    Map<String, Integer> passedChecksLeft = new HashMap<>();
    List<RunReport.FindingRow> findings = new ArrayList<>();
    int omitted = 0;
    for (int i = stored2.size() - 1; i >= 0; i--) {
      StepReports.StoredReport r = stored2.get(i);
      if (r.iteration() != null && r.passed()) {
        int left = passedChecksLeft.merge(r.stepId(), 1, Integer::sum);
        if (left > PASSED_SOAK_CHECKS_KEPT) {
          omitted++;
          continue;
        }
      }
      findings.add(0, new RunReport.FindingRow(r.stepId(), r.kind(), r.iteration(), r.passed(), redact(r.summary()),
          redact(r.report()), time(r.createdAt())));
    }
    return new RunReport(run.runId(), target, run.planName(), run.planHash(),
        stored.map(p -> redact(p.source())).orElse(null), plan, run.state() == null ? null : run.state().word(), run.startedBy(), time(run.startedAt()),
        time(run.endedAt()), redact(run.detail()), steps, decisions, events, findings, omitted);
  }

  private String redact(String text) {
    return targets.redact(text);
  }

  private static String time(OffsetDateTime time) {
    return time == null ? null : time.toInstant().truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
