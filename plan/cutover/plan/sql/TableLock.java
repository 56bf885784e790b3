package cutover.plan.sql;

/** A lock a statement takes on a table (or view, or index), by name as written, folded. */
public record TableLock(String table, LockLevel level) {}
