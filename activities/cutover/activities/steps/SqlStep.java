package cutover.activities.steps;

import cutover.plan.StepFields;

/**
 * {@code kind: sql} — runs the plan's SQL as written, in one transaction with
 * {@code lock_timeout} and {@code statement_timeout}; undone by its {@code compensate:} SQL.
 */
public final class SqlStep implements StepKind {

  @Override
  public String name() {
    return "sql";
  }

  @Override
  public Undo undo() {
    return Undo.DECLARED;
  }

  @Override
  public void validate(StepFields fields) {
    fields.requiredString("sql", "give the SQL to run, e.g. `sql: ALTER TABLE ...`");
    SqlTimeouts.validate(fields);
  }

  @Override
  public StepOutcome apply(StepContext context) {
    long rows = PlanSql.execute(context, context.step().string("sql"));
    return new StepOutcome("sql ran, " + StepOutcome.rows(rows), rows);
  }

  @Override
  public StepOutcome compensate(StepContext context) {
    long rows = PlanSql.execute(context, context.step().compensate());
    return new StepOutcome("compensation ran, " + StepOutcome.rows(rows), rows);
  }
}
