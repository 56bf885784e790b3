package cutover.plan.sql;

/**
 * One action of an {@code ALTER TABLE}, or of another DDL statement, as the lint rules read it.
 *
 * @param name the column, constraint or object the action is about, or null
 * @param detail the new type, the default expression, the referenced table or the new name, or null
 * @param notValid a constraint added {@code NOT VALID} (not checked against existing rows)
 * @param ifExists written with {@code IF EXISTS}
 * @param cascade a {@code DROP COLUMN} written {@code CASCADE}: what depends on the column (a view) is dropped with it
 */
public record AlterAction(Type type, String name, String detail, boolean notValid, boolean ifExists, boolean cascade) {

  /** An action without {@code CASCADE}, as every form but a drop is. */
  public AlterAction(Type type, String name, String detail, boolean notValid, boolean ifExists) {
    this(type, name, detail, notValid, ifExists, false);
  }

  /** The forms of PostgreSQL's {@code ALTER TABLE} the analysis reads, with the lock each takes. */
  public enum Type {
    ADD_COLUMN(LockLevel.ACCESS_EXCLUSIVE),
    /** SHARE ROW EXCLUSIVE on the table and on the one it references. */
    ADD_FOREIGN_KEY(LockLevel.SHARE_ROW_EXCLUSIVE),
    ADD_CHECK(LockLevel.ACCESS_EXCLUSIVE),
    ADD_UNIQUE(LockLevel.ACCESS_EXCLUSIVE),
    ADD_PRIMARY_KEY(LockLevel.ACCESS_EXCLUSIVE),
    /** Scans the table without blocking writes. */
    VALIDATE_CONSTRAINT(LockLevel.SHARE_UPDATE_EXCLUSIVE),
    SET_NOT_NULL(LockLevel.ACCESS_EXCLUSIVE),
    DROP_NOT_NULL(LockLevel.ACCESS_EXCLUSIVE),
    ALTER_TYPE(LockLevel.ACCESS_EXCLUSIVE),
    SET_DEFAULT(LockLevel.ACCESS_EXCLUSIVE),
    DROP_DEFAULT(LockLevel.ACCESS_EXCLUSIVE),
    SET_STATISTICS(LockLevel.SHARE_UPDATE_EXCLUSIVE),
    DROP_COLUMN(LockLevel.ACCESS_EXCLUSIVE),
    DROP_CONSTRAINT(LockLevel.ACCESS_EXCLUSIVE),
    RENAME_COLUMN(LockLevel.ACCESS_EXCLUSIVE),
    RENAME_CONSTRAINT(LockLevel.ACCESS_EXCLUSIVE),
    RENAME_TABLE(LockLevel.ACCESS_EXCLUSIVE);

    private final LockLevel lock;

    Type(LockLevel lock) {
      this.lock = lock;
    }

    public LockLevel lock() {
      return lock;
    }
  }
}
