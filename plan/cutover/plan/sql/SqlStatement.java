package cutover.plan.sql;

import java.util.List;

/**
 * One statement of a step's SQL as the analysis read it.
 *
 * @param line the statement's 1-based line in the step's SQL text
 * @param column its 1-based column there
 * @param kind what it is; null when it could not be parsed
 * @param locks the table-level locks it takes, strongest per table
 * @param actions what it changes, for DDL (an ALTER TABLE's actions, in order)
 * @param creates tables, views and indexes it creates
 * @param drops tables, views and indexes it drops
 * @param references tables and views its queries read or write (besides those it locks for DDL)
 * @param columns the columns its queries name, for what a view depends on
 * @param concurrently {@code CONCURRENTLY} was written (an index built or dropped without blocking writes)
 * @param unparsed why it could not be read, or null when it was
 */
public record SqlStatement(
    String text,
    int line,
    int column,
    StatementKind kind,
    List<TableLock> locks,
    List<AlterAction> actions,
    List<String> creates,
    List<String> drops,
    List<String> references,
    List<ColumnReference> columns,
    boolean concurrently,
    String unparsed) {

  static SqlStatement unparsed(SqlText text, String why) {
    return new SqlStatement(text.text(), text.line(), text.column(), null, List.of(), List.of(), List.of(), List.of(),
        List.of(), List.of(), false, why);
  }

  public boolean parsed() {
    return unparsed == null;
  }

  /** The strongest lock it takes, or null when it takes none (or could not be read). */
  public LockLevel strongestLock() {
    LockLevel strongest = null;
    for (TableLock lock : locks) {
      strongest = LockLevel.stronger(strongest, lock.level());
    }
    return strongest;
  }

  public boolean isDdl() {
    return kind != null && switch (kind) {
      case SELECT, INSERT, UPDATE, DELETE, DO_BLOCK -> false;
      default -> true;
    };
  }
}
