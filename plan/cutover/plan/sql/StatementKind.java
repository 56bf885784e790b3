package cutover.plan.sql;

import java.util.Locale;

/** What a statement is, as far as locks and the lint rules care. */
public enum StatementKind {
  SELECT, INSERT, UPDATE, DELETE, CREATE_TABLE, CREATE_INDEX, CREATE_VIEW, ALTER_TABLE, DROP_TABLE, DROP_VIEW,
  DROP_INDEX, TRUNCATE, LOCK_TABLE, DO_BLOCK;

  /** As SQL names it: {@code ALTER TABLE}. */
  public String sqlName() {
    return this == DO_BLOCK ? "DO" : name().replace('_', ' ');
  }

  public String word() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
