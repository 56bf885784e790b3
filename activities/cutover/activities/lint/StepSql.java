package cutover.activities.lint;

import cutover.activities.steps.backfill.BackfillSpec;
import cutover.activities.steps.check.CheckSpec;
import cutover.activities.steps.parity.ParitySpec;
import cutover.activities.steps.soak.SoakSpec;
import cutover.activities.steps.sql.SqlSpec;
import cutover.activities.steps.validate.ValidateSpec;
import cutover.plan.PlanStep;
import cutover.plan.StepSpec;
import cutover.plan.sql.SqlAnalysis;
import cutover.plan.sql.SqlStatement;
import cutover.plan.sql.TableLock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The SQL a step runs, analysed, and the tables it names in its other fields. */
public final class StepSql {
  private StepSql() {}

  /** A {@code sql} step's statements; empty for other kinds. */
  public static List<SqlStatement> statements(PlanStep step) {
    return step.spec() instanceof SqlSpec sql ? SqlAnalysis.analyze(sql.sql()) : List.of();
  }

  /** The step's {@code compensate:} statements. */
  public static List<SqlStatement> compensation(PlanStep step) {
    return step.compensate() == null ? List.of() : SqlAnalysis.analyze(step.compensate());
  }

  /** Every table or view the step reads, writes or locks, by any of its fields. */
  public static Set<String> tables(PlanStep step) {
    Set<String> tables = new LinkedHashSet<>();
    for (SqlStatement statement : statements(step)) {
      add(tables, statement);
    }
    addSpec(tables, step.spec());
    return tables;
  }

  private static void addSpec(Set<String> tables, StepSpec spec) {
    if (spec instanceof BackfillSpec backfill) {
      if (!backfill.betweenTargets()) { // a source on another target is no table of this one
        addName(tables, backfill.from());
        addQuery(tables, backfill.query());
      }
      addName(tables, backfill.into());
    } else if (spec instanceof CheckSpec check) {
      addQuery(tables, check.query());
      addQuery(tables, check.scalar());
      addQuery(tables, check.fix());
    } else if (spec instanceof ParitySpec parity) {
      for (ParitySpec.Side side : new ParitySpec.Side[] {parity.legacy(), parity.fresh()}) {
        if (side != null && side.target() == null) {
          addName(tables, side.table());
          addQuery(tables, side.query());
        }
      }
    } else if (spec instanceof ValidateSpec validate) {
      validate.tables().forEach(t -> addName(tables, t));
    } else if (spec instanceof SoakSpec soak) {
      addSpec(tables, soak.repeated());
    }
  }

  private static void addQuery(Set<String> tables, String sql) {
    if (sql != null) {
      SqlAnalysis.analyze(sql).forEach(statement -> add(tables, statement));
    }
  }

  private static void add(Set<String> tables, SqlStatement statement) {
    statement.locks().stream().map(TableLock::table).forEach(t -> addName(tables, t));
    statement.references().forEach(t -> addName(tables, t));
  }

  private static void addName(Set<String> tables, String name) {
    if (name != null && !name.isBlank()) {
      tables.add(unqualified(name));
    }
  }

  /** {@code public.t} and {@code t} name the same table for these rules (the default search path). */
  public static String unqualified(String name) {
    String folded = name.strip().toLowerCase(Locale.ROOT);
    return folded.startsWith("public.") ? folded.substring("public.".length()) : folded;
  }
}
