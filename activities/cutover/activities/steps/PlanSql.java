package cutover.activities.steps;

import java.sql.Statement;

/**
 * Runs plan-supplied SQL exactly as written, on the step's transaction. A plain JDBC statement,
 * not a jOOQ template: plan SQL may hold {@code {0}}, {@code ?} or dollar-quoted bodies that a
 * template would try to interpret.
 */
final class PlanSql {
  private PlanSql() {}

  /** @return rows affected, summed over every statement in the text */
  static long execute(StepContext context, String sql) {
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
