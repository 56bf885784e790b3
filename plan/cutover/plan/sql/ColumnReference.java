package cutover.plan.sql;

/**
 * A column a query names, as PostgreSQL records what a view depends on.
 *
 * @param table the table it is qualified with, an alias resolved to its table, as written, folded; null when
 *     written unqualified (any table the query reads may have it)
 * @param column the column, as PostgreSQL folds it; null for {@code *} or {@code table.*}
 */
public record ColumnReference(String table, String column) {

  /** {@code *} or {@code table.*}: every column the table had when the query was read. */
  public boolean everyColumn() {
    return column == null;
  }
}
