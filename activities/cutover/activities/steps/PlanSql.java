package cutover.activities.steps;

import java.sql.Statement;
import org.jooq.DSLContext;
import org.jooq.conf.Settings;
import org.jooq.conf.StatementType;
import org.jooq.impl.DSL;

/**
 * Runs plan-supplied SQL exactly as written, on the step's transaction. A plain JDBC statement,
 * not a jOOQ template: plan SQL may hold {@code {0}}, {@code ?} or dollar-quoted bodies that a
 * template would try to interpret.
 */
public final class PlanSql {
  private PlanSql() {}

  /**
   * The transaction as a context whose statements are static (values inlined by jOOQ), so plan
   * expressions embedded in jOOQ queries run as written: a {@code ?} (a jsonb operator) is not
   * taken for a bind marker.
   */
  public static DSLContext asWritten(DSLContext transaction) {
    return DSL.using(transaction.configuration().derive(
        new Settings().withStatementType(StatementType.STATIC_STATEMENT)));
  }

  /** @return rows affected, summed over every statement in the text */
  public static long execute(StepContext context, String sql) {
    long[] rows = {0};
    context.sql().connection(connection -> {
      try (Statement statement = connection.createStatement()) {
        boolean resultSet = statement.execute(sql);
        while (true) {
          int count = statement.getUpdateCount();
          if (!resultSet && count == -1) {
            break;
          }
          if (count > 0) {
            rows[0] += count;
          }
          resultSet = statement.getMoreResults();
        }
      }
    });
    return rows[0];
  }
}
