package cutover.activities.steps.sql;

import cutover.activities.steps.DefinedKind;
import cutover.activities.steps.ExecutedKind;
import cutover.activities.steps.PlanSql;
import cutover.activities.steps.SqlTimeouts;
import cutover.activities.steps.StepContext;
import cutover.activities.steps.StepOutcome;
import cutover.plan.StepFields;
import cutover.plan.Undo;

/**
 * {@code kind: sql} — runs the plan's SQL as written, in one transaction with
 * {@code lock_timeout} and {@code statement_timeout}; undone by its {@code compensate:} SQL.
 */
public final class SqlStep extends DefinedKind<SqlSpec> implements ExecutedKind<SqlSpec> {
  static final String NAME = "sql";

  public SqlStep() {
    super(NAME, Undo.DECLARED, Execution.IN_TRANSACTION, SqlSpec.class);
  }

  @Override
  public SqlSpec read(StepFields fields) {
    String sql = fields.requiredString("sql", "give the SQL to run, e.g. `sql: ALTER TABLE ...`");
    SqlTimeouts timeouts = SqlTimeouts.read(fields);
    return new SqlSpec(sql, timeouts);
  }

  @Override
  public StepOutcome apply(StepContext context, SqlSpec spec) {
    long rows = PlanSql.execute(context, spec.sql());
    return new StepOutcome("sql ran, " + StepOutcome.rows(rows), rows);
  }

  @Override
  public StepOutcome compensate(StepContext context, SqlSpec spec) {
    long rows = PlanSql.execute(context, context.step().compensate());
    return new StepOutcome("compensation ran, " + StepOutcome.rows(rows), rows);
  }
}
