package cutover.activities.explain;

import cutover.activities.explain.PlanExplanation.ApprovalView;
import cutover.activities.explain.PlanExplanation.GateView;
import cutover.activities.explain.PlanExplanation.LockView;
import cutover.activities.explain.PlanExplanation.LockWaitView;
import cutover.activities.explain.PlanExplanation.PhaseView;
import cutover.activities.explain.PlanExplanation.RowsView;
import cutover.activities.explain.PlanExplanation.StatementView;
import cutover.activities.explain.PlanExplanation.StepView;
import cutover.activities.explain.PlanExplanation.UndoView;
import cutover.activities.lint.StepSql;
import cutover.activities.steps.SqlTimeouts;
import cutover.activities.steps.StepKinds;
import cutover.activities.steps.approval.ApprovalSpec;
import cutover.activities.steps.backfill.BackfillSpec;
import cutover.activities.steps.check.CheckSpec;
import cutover.activities.steps.snapshot.SnapshotSpec;
import cutover.activities.steps.freeze.FreezeSpec;
import cutover.activities.steps.freeze.UnfreezeSpec;
import cutover.activities.steps.soak.SoakSpec;
import cutover.activities.steps.task.TaskSpec;
import cutover.activities.steps.validate.ValidateSpec;
import cutover.activities.steps.wait.WaitGate;
import cutover.activities.steps.wait.WaitSpec;
import cutover.plan.Phase;
import cutover.plan.Plan;
import cutover.plan.PlanStep;
import cutover.plan.Undo;
import cutover.plan.sql.LockLevel;
import cutover.plan.sql.SqlStatement;
import cutover.plan.sql.StatementKind;
import cutover.plan.sql.TableLock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a {@link PlanExplanation} from the plan, and from a target's facts when they were read.
 * Pure: the facts come from {@link ExplainActivities} on the target's worker.
 */
public final class PlanExplainer {
  private final Plan plan;
  private final TargetFacts facts;
  private final Instant start;
  private final List<String> notes = new ArrayList<>();
  /** Tables, views and indexes the plan creates before the statement being explained. */
  private final Set<String> created = new LinkedHashSet<>();
  /** The earliest moment the next step can start; null once it cannot be known. */
  private Instant cursor;

  private PlanExplainer(Plan plan, TargetFacts facts, Instant start) {
    this.plan = plan;
    this.facts = facts;
    this.start = start;
    this.cursor = start;
  }

  /**
   * @param facts what the target told, or null to explain the plan alone
   * @param start the run's start, for calendar dates, or null
   */
  public static PlanExplanation explain(Plan plan, TargetFacts facts, Instant start) {
    return new PlanExplainer(plan, facts, start).explanation();
  }

  /** What to ask the target for this plan: the tables its steps touch and the queries whose rows to estimate. */
  public static TargetFactsRequest request(Plan plan, String target) {
    Set<String> tables = new LinkedHashSet<>();
    List<TargetFactsRequest.StepQuery> queries = new ArrayList<>();
    for (Phase phase : plan.phases()) {
      for (PlanStep step : phase.steps()) {
        tables.addAll(StepSql.tables(step));
        if (step.spec() instanceof BackfillSpec backfill && !backfill.betweenTargets()) { // estimated where it is read
          String sql = backfill.query() != null ? backfill.query()
              : "SELECT 1 FROM " + backfill.from() + (backfill.where() == null ? "" : " WHERE " + backfill.where());
          queries.add(new TargetFactsRequest.StepQuery(step.id(), sql));
        }
        for (SqlStatement statement : StepSql.statements(step)) {
          if (statement.kind() == StatementKind.UPDATE || statement.kind() == StatementKind.DELETE
              || statement.kind() == StatementKind.INSERT) {
            queries.add(new TargetFactsRequest.StepQuery(statementKey(step, statement), statement.text()));
          }
        }
      }
    }
    return new TargetFactsRequest(target, plan.name(), List.copyOf(tables), queries);
  }

  static String statementKey(PlanStep step, SqlStatement statement) {
    return step.id() + ":" + statement.line();
  }

  private PlanExplanation explanation() {
    if (facts == null) {
      notes.add("the plan alone: give --target to read table sizes, row estimates and measured rates from the target");
    } else {
      facts.problems().forEach(notes::add);
      if (facts.rates().isEmpty() && facts.targetRate() == null) {
        notes.add("no measured rate: no backfill has completed on target " + facts.target() + " yet");
      }
    }
    if (start != null) {
      notes.add("calendar dates are the earliest: steps without a known duration and approvals are counted as instant");
    }
    List<PhaseView> phases = new ArrayList<>();
    for (Phase phase : plan.phases()) {
      List<StepView> steps = new ArrayList<>();
      for (PlanStep step : phase.steps()) {
        steps.add(step(step));
      }
      phases.add(new PhaseView(phase.name(), steps));
    }
    return new PlanExplanation(plan.name(), facts == null ? null : facts.target(), start, List.copyOf(notes), phases);
  }

  private StepView step(PlanStep step) {
    List<StatementView> statements = StepSql.statements(step).stream().map(s -> statement(step, s)).toList();
    RowsView rows = rows(step);
    Duration duration = null;
    String time = null;
    if (step.spec() instanceof BackfillSpec) {
      TargetFacts.MeasuredRate rate = facts == null ? null : facts.rates().getOrDefault(step.id(), facts.targetRate());
      if (facts == null) {
        time = "unknown without --target";
      } else if (rate == null || rate.rowsPerSecond() <= 0) {
        time = "no measured rate";
      } else if (rows != null) {
        duration = Duration.ofMillis(Math.round(rows.rows() / rate.rowsPerSecond() * 1000));
        time = "~" + Durations.words(duration) + " at " + Math.round(rate.rowsPerSecond()) + " rows/s ("
            + (facts.rates().containsKey(step.id()) ? "this step's earlier runs: " + rate.runs()
                : "the target's median over " + rate.runs() + " backfill" + (rate.runs() == 1 ? "" : "s")) + ")";
      }
    }
    GateView gate = gate(step);
    Instant earliestStart = cursor;
    advance(step, duration);
    return new StepView(step.id(), step.kind(), does(step), statements.isEmpty() ? null : statements, lockWait(step),
        rows, time, undo(step), step.pointOfNoReturn(), approval(step), gate, earliestStart,
        earliestStart == null ? null : cursor);
  }

  private StatementView statement(PlanStep step, SqlStatement statement) {
    if (!statement.parsed()) {
      return new StatementView(statement.line(), null, shorten(statement.text()), List.of(), "unknown",
          statement.unparsed());
    }
    List<LockView> locks = new ArrayList<>();
    LockLevel strongest = null;
    for (TableLock lock : statement.locks()) {
      boolean isNew = created.contains(StepSql.unqualified(lock.table()));
      locks.add(new LockView(lock.table(), lock.level().sqlName(), lock.level().blocks().words(), isNew));
      if (!isNew) {
        strongest = LockLevel.stronger(strongest, lock.level());
      }
    }
    statement.creates().forEach(c -> created.add(StepSql.unqualified(c)));
    return new StatementView(statement.line(), statement.kind().sqlName(), shorten(statement.text()), locks,
        strongest == null ? "nothing" : strongest.blocks().words(), null);
  }

  private RowsView rows(PlanStep step) {
    if (facts == null) {
      return null;
    }
    Long estimate = facts.estimates().get(step.id());
    if (estimate != null) {
      return new RowsView(estimate, "the planner's estimate of the step's rows");
    }
    long total = 0;
    List<String> from = new ArrayList<>();
    for (SqlStatement statement : StepSql.statements(step)) {
      Long rows = facts.estimates().get(statementKey(step, statement));
      if (rows != null) {
        total += rows;
        from.add("the planner's estimate (line " + statement.line() + ")");
      } else if (statement.parsed() && rewritesOrScans(statement)) {
        for (TableLock lock : statement.locks()) {
          Long reltuples = facts.tables().get(StepSql.unqualified(lock.table()));
          if (reltuples != null && lock.level().compareTo(LockLevel.ACCESS_SHARE) > 0) {
            total += reltuples;
            from.add("reltuples of " + lock.table());
          }
        }
      }
    }
    if (step.spec() instanceof ValidateSpec validate) {
      for (String table : validate.tables()) {
        Long reltuples = facts.tables().get(StepSql.unqualified(table));
        if (reltuples != null) {
          total += reltuples;
          from.add("reltuples of " + table);
        }
      }
    }
    return from.isEmpty() ? null : new RowsView(total, String.join(", ", from));
  }

  /** DDL that reads or rewrites the whole table (an index build, a validation, a rewrite, a scan for NOT NULL). */
  private static boolean rewritesOrScans(SqlStatement statement) {
    if (statement.kind() == StatementKind.CREATE_INDEX) {
      return true;
    }
    return statement.actions().stream().anyMatch(a -> switch (a.type()) {
      case VALIDATE_CONSTRAINT, SET_NOT_NULL, ALTER_TYPE -> true;
      case ADD_FOREIGN_KEY, ADD_CHECK -> !a.notValid();
      case ADD_UNIQUE, ADD_PRIMARY_KEY -> true;
      default -> false;
    });
  }

  private static LockWaitView lockWait(PlanStep step) {
    if (!(step.spec() instanceof SqlTimeouts.Given given)) {
      return null;
    }
    SqlTimeouts t = given.timeouts();
    String per = step.spec() instanceof BackfillSpec ? " per batch" : "";
    return new LockWaitView(t.lockTimeout(), t.lockRetryFor(), t.statementTimeout(),
        "the application queues at most " + Durations.words(t.lockTimeout()) + " behind each attempt; the step retries "
            + "for " + Durations.words(t.lockRetryFor()) + per + " in all, then fails naming the blockers");
  }

  private static UndoView undo(PlanStep step) {
    if (step.irreversible()) {
      return new UndoView("irreversible", step.pointOfNoReturn()
          ? "cannot be undone; the point of no return: after it, rollback is refused" : "cannot be undone");
    }
    if (step.compensate() != null) {
      return new UndoView("compensate", shorten(step.compensate()));
    }
    if (step.spec() instanceof FreezeSpec) {
      return new UndoView("automatic", "a rollback lifts the block, unless its unfreeze step already did");
    }
    if (step.spec() instanceof UnfreezeSpec) {
      return new UndoView("nothing", "lifts a freeze; nothing to undo: a rollback lifts the freeze itself");
    }
    Undo undo = StepKinds.ALL.find(step.kind()).map(k -> k.undo(step.spec())).orElse(Undo.NOTHING);
    return switch (undo) {
      case AUTOMATIC -> new UndoView("automatic", step.spec() instanceof SnapshotSpec snapshot
          ? "a rollback puts back the rows of " + String.join(", ", snapshot.tables()) + " as they were at the snapshot"
          : "a rollback restores the previous value");
      case OPTIONAL -> new UndoView("own", step.spec() instanceof BackfillSpec backfill && backfill.into() != null
          ? "a rollback deletes, in batches, the rows it copied into " + backfill.into()
          : step.spec() instanceof CheckSpec check ? fixUndo(check) : "the kind's own undo");
      case DECLARED, NOTHING -> new UndoView("nothing", "changes nothing");
    };
  }

  /** How a rollback undoes a check's fix, if the fix ran: the rows its saves: kept, per table. */
  private static String fixUndo(CheckSpec check) {
    List<String> tables = new ArrayList<>();
    check.saves().forEach((table, rows) -> tables.add(CheckSpec.ALL_ROWS.equals(rows.strip()) ? "every row of " + table
        : "the rows of " + table + " where " + rows.strip()));
    return "if its fix ran, a rollback puts back " + String.join(", ", tables) + " as they were before it, and deletes"
        + " the rows it added";
  }

  private static ApprovalView approval(PlanStep step) {
    if (!(step.spec() instanceof ApprovalSpec approval)) {
      return null;
    }
    return new ApprovalView(approval.approvers(), approval.approvals(),
        approval.signed() == ApprovalSpec.Signatures.REQUIRED, approval.separateFromStarter());
  }

  private static GateView gate(PlanStep step) {
    if (step.spec() instanceof WaitSpec wait) {
      return wait.until() != null ? new GateView("until", null, null, wait.until().strip())
          : new GateView("for", wait.length(), null, null);
    }
    if (step.spec() instanceof SoakSpec soak) {
      return new GateView("soak", soak.length(), soak.every(), null);
    }
    if (step.spec() instanceof ApprovalSpec || step.spec() instanceof TaskSpec) {
      return new GateView("people", null, null, null);
    }
    return null;
  }

  /** Moves the calendar past the step. */
  private void advance(PlanStep step, Duration duration) {
    if (cursor == null) {
      return;
    }
    if (step.spec() instanceof WaitSpec wait) {
      if (wait.until() != null) {
        WaitGate.Until until = WaitGate.parseUntil(wait.until());
        Instant at = until.at() != null ? until.at() : start.plus(until.afterStart());
        cursor = at.isAfter(cursor) ? at : cursor;
      } else if (wait.length() != null) {
        cursor = cursor.plus(wait.length());
      }
    } else if (step.spec() instanceof SoakSpec soak) {
      cursor = cursor.plus(soak.length());
    } else if (duration != null) {
      cursor = cursor.plus(duration);
    }
  }

  private static String does(PlanStep step) {
    if (step.description() != null && !step.description().isBlank()) {
      return shorten(step.description());
    }
    if (step.spec() instanceof BackfillSpec backfill) {
      return (backfill.into() != null ? "copies rows into " + backfill.into() : "updates rows in place") + " from "
          + (backfill.from() != null ? backfill.from() : "a query")
          + (backfill.betweenTargets() ? " of target " + backfill.fromTarget() : "");
    }
    return step.kind() + " step";
  }

  private static String shorten(String text) {
    String line = text.strip().replaceAll("\\s+", " ");
    return line.length() <= 200 ? line : line.substring(0, 197) + "...";
  }
}
