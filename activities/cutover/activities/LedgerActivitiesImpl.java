package cutover.activities;

import cutover.activities.steps.backfill.RunCaptures;
import cutover.activities.steps.backfill.Tunings;
import cutover.activities.steps.freeze.RunFreezes;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jooq.DSLContext;

/** The ledger's run, decision and event records, each write idempotent by its key. */
public final class LedgerActivitiesImpl implements LedgerActivities {
  static final int DEFAULT_LIST_LIMIT = 20;
  static final int MAX_LIST_LIMIT = 1000;
  /** How a workflow ends its run; abandoned is an operator's call of its own. */
  private static final Set<LedgerRunState> END_STATES =
      EnumSet.of(LedgerRunState.COMPLETED, LedgerRunState.ROLLED_BACK, LedgerRunState.FAILED);

  private final Targets targets;

  public LedgerActivitiesImpl(Targets targets) {
    this.targets = Objects.requireNonNull(targets, "targets");
  }

  @Override
  public RunStart beginRun(BeginRun request) {
    require(request != null, "beginRun needs a request");
    require(notBlank(request.target()) && notBlank(request.runId()) && notBlank(request.workflowId())
            && notBlank(request.startedBy()) && notBlank(request.planName()) && notBlank(request.planHash()),
        "beginRun needs a target, run id, workflow id, startedBy, plan name and plan hash");
    return guard("beginning run " + request.runId(), () -> {
      DSLContext dsl = targets.dsl(request.target());
      // an insert can lose a race with a concurrent begin of the same run id; look again then
      for (int round = 0; round < 5; round++) {
        RunStart start = dsl.transactionResult(configuration -> begin(configuration.dsl(), request));
        if (start != null) {
          return start;
        }
      }
      throw ApplicationFailure.newFailure(
          "run " + request.runId() + " could not be begun: the ledger kept changing; try again", "TransactionConflict");
    });
  }

  /** One try at beginning the run; null when a concurrent change calls for another look. */
  private RunStart begin(DSLContext tx, BeginRun request) {
    Runs ledger = new Runs(tx);
    Optional<Runs.StoredRun> existing = ledger.runForUpdate(request.runId());
    if (existing.isPresent()) {
      return existingRun(tx, request, existing.get());
    }
    if (request.resume()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "there is no run " + request.runId() + " on target '" + request.target() + "' to resume; "
              + "`cutover runs` lists the runs",
          "RunNotFound");
    }
    if (ledger.insertRun(request)) {
      return new RunStart(request.runId(), request.startedBy(), false);
    }
    if (ledger.run(request.runId()).isPresent()) {
      return null;
    }
    Optional<Runs.StoredRun> active = ledger.activeRun();
    if (active.isPresent()) {
      throw targetBusy(request.target(), active.get());
    }
    return null;
  }

  private RunStart existingRun(DSLContext tx, BeginRun request, Runs.StoredRun run) {
    Runs ledger = new Runs(tx);
    if (!request.resume()) {
      if (run.workflowId().equals(request.workflowId()) && run.state() == LedgerRunState.ACTIVE) {
        return new RunStart(run.runId(), run.startedBy(), false); // a retry of the same begin
      }
      // a run id names one run forever: a workflow started again under a used id is a new run
      throw ApplicationFailure.newNonRetryableFailure(
          "run id " + run.runId() + " is already used (state " + run.state() + "); choose another workflow id"
              + (run.ended() ? "" : ", or resume it with --resume " + run.runId()),
          "RunExists");
    }
    if (run.ended()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "run " + run.runId() + " has ended (state " + run.state()
              + (run.endedAt() == null ? "" : " at " + seconds(run.endedAt().toInstant())) + "); it cannot be "
              + "resumed: start a new run instead",
          "RunEnded");
    }
    if (!run.planName().equals(request.planName()) || !run.planHash().equals(request.planHash())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "run " + run.runId() + " was started with plan '" + run.planName() + "' version " + shortHash(run.planHash())
              + "; resuming it with plan '" + request.planName() + "' version " + shortHash(request.planHash())
              + " would mix two plans: resume it with the version it started with",
          "PlanChanged");
    }
    Optional<Runs.StoredRun> active = ledger.activeRun();
    if (active.isPresent() && !active.get().runId().equals(run.runId())) {
      throw targetBusy(request.target(), active.get());
    }
    ledger.takeOver(run.runId(), request.workflowId());
    // a new workflow starts unpaused: a backfill must not stay held by the lost workflow's pause;
    // one row per takeover, so a retried begin writes it once and a second resume writes its own
    String takeover = "takeover:" + request.workflowId() + (request.execution() == null ? "" : ":" + request.execution());
    new RunEvents(tx).insertEvent(new RunEvent(request.target(), run.runId(), takeover,
        RunEventKind.RESUME.word(), null, request.startedBy(), "taken over by workflow " + request.workflowId()));
    return new RunStart(run.runId(), run.startedBy(), true);
  }

  private static ApplicationFailure targetBusy(String target, Runs.StoredRun active) {
    return ApplicationFailure.newNonRetryableFailure(
        "target '" + target + "' already has an active cutover: run " + active.runId() + " (workflow "
            + active.workflowId() + "), started by " + active.startedBy() + " at "
            + seconds(active.startedAt().toInstant()) + ". Wait for it to finish, roll it back, or resume it with "
            + "`cutover start --resume " + active.runId() + "`.",
        "TargetBusy");
  }

  @Override
  public void endRun(EndRun request) {
    require(request != null && notBlank(request.target()) && notBlank(request.runId()),
        "endRun needs a target and a run id");
    require(END_STATES.contains(request.state()),
        "a run ends as completed, rolled_back or failed, not '" + request.state() + "'");
    guard("ending run " + request.runId(), () -> {
      Runs runs = new Runs(targets.dsl(request.target()));
      if (!runs.endRun(request.runId(), request.state(), request.detail())) {
        if (runs.run(request.runId()).map(r -> r.state() == LedgerRunState.ABANDONED).orElse(false)) {
          return null; // abandoned while its workflow went on: it stays abandoned
        }
        throw ApplicationFailure.newNonRetryableFailure(
            "there is no run " + request.runId() + " on target '" + request.target() + "' to end", "RunNotFound");
      }
      return null;
    });
  }

  @Override
  public AbandonedRun abandonRun(AbandonRun request) {
    require(request != null && notBlank(request.runId()) && notBlank(request.by()) && notBlank(request.reason())
            && notBlank(request.requestId()),
        "abandonRun needs a run id, who abandons it, why, and a request id");
    List<String> names = notBlank(request.target()) ? List.of(request.target()) : targets.names();
    return guard("abandoning run " + request.runId(), () -> {
      for (String name : names) {
        AbandonedRun abandoned = targets.dsl(name).transactionResult(configuration -> abandon(configuration.dsl(), name,
            request));
        if (abandoned != null) {
          // after the abandon commits: its steps are refused from here on, so no capture or freeze is put in place again
          List<String> cleanedUp = new ArrayList<>(RunCaptures.remove(targets.dsl(name), abandoned.runId()));
          cleanedUp.addAll(RunFreezes.lift(targets.dsl(name), abandoned.runId()));
          return abandoned.withCleanedUp(cleanedUp);
        }
      }
      throw ApplicationFailure.newNonRetryableFailure("there is no run " + request.runId() + " on "
          + (names.size() == 1 ? "target '" + names.get(0) + "'" : "any target (" + String.join(", ", names) + ")")
          + "; `cutover list` shows the runs", "RunNotFound");
    });
  }

  /** Abandons the run in this target's ledger; null when this ledger has no such run. */
  private static AbandonedRun abandon(DSLContext tx, String target, AbandonRun request) {
    Optional<Runs.StoredRun> found = new Runs(tx).runForUpdate(request.runId());
    if (found.isEmpty()) {
      return null;
    }
    Runs.StoredRun run = found.get();
    String key = RunEventKind.ABANDONED.word() + ":" + request.requestId();
    boolean again = run.state() == LedgerRunState.ABANDONED
        && new RunEvents(tx).events(target, run.runId()).stream().anyMatch(e -> key.equals(e.eventKey()));
    if (!again) {
      if (run.ended()) {
        throw ApplicationFailure.newNonRetryableFailure("run " + run.runId() + " has ended (state " + run.state()
            + (run.endedAt() == null ? "" : " at " + seconds(run.endedAt().toInstant())) + "): there is nothing to "
            + "abandon, and nothing was changed", "RunEnded");
      }
      String why = "abandoned by " + request.by() + ": " + request.reason();
      new Runs(tx).abandon(run.runId(), why);
      new RunEvents(tx).insertEvent(new RunEvent(target, run.runId(), key, RunEventKind.ABANDONED.word(), null,
          request.by(), request.reason()));
    }
    return new AbandonedRun(run.runId(), target, run.planName(), run.workflowId(),
        again ? LedgerRunState.ABANDONED : run.state(), appliedNotUndone(new AppliedSteps(tx).steps(run.runId())), null);
  }

  /** The applied steps no compensation undid, in the order they were applied. */
  private static List<String> appliedNotUndone(List<AppliedSteps.StoredStep> steps) {
    Map<String, AppliedSteps.StoredStep> undone = new LinkedHashMap<>();
    steps.stream().filter(s -> s.action() == StepAction.COMPENSATE).forEach(s -> undone.put(s.stepId(), s));
    List<String> kept = new ArrayList<>();
    for (AppliedSteps.StoredStep step : steps) {
      AppliedSteps.StoredStep undo = undone.get(step.stepId());
      if (step.action() == StepAction.APPLY && (undo == null || undo.outcome().startsWith(AppliedSteps.IRREVERSIBLE_NOT_UNDONE))) {
        kept.add(step.stepId() + " (" + step.kind() + "): " + step.outcome());
      }
    }
    return List.copyOf(kept);
  }

  @Override
  public void recordDecision(DecisionRecord decision) {
    require(decision != null && notBlank(decision.target()) && notBlank(decision.runId())
            && notBlank(decision.stepId()) && notBlank(decision.signalId()),
        "a decision needs a target, run id, step id and signal id");
    guard("recording a decision of run " + decision.runId(), () -> {
      new Decisions(targets.dsl(decision.target())).insertDecision(decision);
      return null;
    });
  }

  @Override
  public List<DecisionRecord> gateDecisions(GateRef gate) {
    require(gate != null && notBlank(gate.target()) && notBlank(gate.runId()) && notBlank(gate.stepId()),
        "a gate needs a target, run id and step id");
    return guard("reading the decisions of run " + gate.runId(),
        () -> new Decisions(targets.dsl(gate.target())).acceptedDecisions(gate.target(), gate.runId(), gate.stepId()));
  }

  @Override
  public void recordEvent(RunEvent event) {
    require(event != null && notBlank(event.target()) && notBlank(event.runId()) && notBlank(event.eventKey())
            && notBlank(event.kind()),
        "an event needs a target, run id, key and kind");
    guard("recording an event of run " + event.runId(), () -> {
      new RunEvents(targets.dsl(event.target())).insertEvent(event);
      return null;
    });
  }

  @Override
  public void recordTune(TuneRecord tune) {
    RunEvent event = tune == null ? null : tune.event();
    require(event != null && notBlank(event.target()) && notBlank(event.runId()) && notBlank(event.eventKey())
            && RunEventKind.TUNE.word().equals(event.kind()) && notBlank(event.stepId()) && notBlank(event.actor()),
        "a tune needs a target, run id, key, step id and who tuned, and its event's kind is tune");
    require(tune.batchSize() != null || tune.rate() != null, "a tune needs a batch size or a rate");
    guard("recording a tune of run " + event.runId(), () -> {
      targets.dsl(event.target()).transaction(configuration -> {
        // a retry after the commit finds its event and merges nothing twice
        if (new RunEvents(configuration.dsl()).insertEvent(event)) {
          new Tunings(configuration.dsl()).merge(event.runId(), event.stepId(), tune.batchSize(), tune.rate(),
              event.actor());
        }
      });
      return null;
    });
  }

  @Override
  public long runStartedAt(RunRef run) {
    require(run != null && notBlank(run.target()) && notBlank(run.runId()), "runStartedAt needs a target and a run id");
    return guard("reading run " + run.runId(), () -> new Runs(targets.dsl(run.target())).run(run.runId())
        .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
            "there is no run " + run.runId() + " on target '" + run.target() + "'", "RunNotFound"))
        .startedAt().toInstant().toEpochMilli());
  }

  @Override
  public List<RunSummary> listRuns(ListRuns request) {
    int limit = request == null || request.limit() <= 0 ? DEFAULT_LIST_LIMIT : Math.min(request.limit(), MAX_LIST_LIMIT);
    List<String> names = request == null || request.target() == null ? targets.names() : List.of(request.target());
    return guard("listing runs", () -> {
      // two names may point at one database: keep each run once
      Map<String, RunSummary> runs = new LinkedHashMap<>();
      for (String name : names) {
        for (RunSummary run : new Runs(targets.dsl(name)).recentRuns(limit)) {
          runs.putIfAbsent(run.runId(), run);
        }
      }
      List<RunSummary> sorted = new ArrayList<>(runs.values());
      sorted.sort(Comparator.comparing((RunSummary r) -> Instant.parse(r.startedAt())).reversed()
          .thenComparing(RunSummary::runId));
      return List.copyOf(sorted.subList(0, Math.min(limit, sorted.size())));
    });
  }

  private <T> T guard(String what, Supplier<T> work) {
    try {
      return work.get();
    } catch (ApplicationFailure e) {
      throw e;
    } catch (RuntimeException e) {
      throw SqlErrors.ledgerFailure(e, targets, what + " failed");
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw ApplicationFailure.newNonRetryableFailure(message, "BadRequest");
    }
  }

  private static boolean notBlank(String value) {
    return value != null && !value.isBlank();
  }

  private static String seconds(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static String shortHash(String hash) {
    return hash.length() > 12 ? hash.substring(0, 12) : hash;
  }
}
