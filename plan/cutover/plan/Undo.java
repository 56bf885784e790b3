package cutover.plan;

/** How a completed step of a kind is undone by a rollback: the rule the parser enforces. */
public enum Undo {
  /** The plan must give {@code compensate:} SQL or declare {@code irreversible: true}. */
  DECLARED,
  /** The kind restores what it changed by itself (a flag's previous value). */
  AUTOMATIC,
  /**
   * {@code compensate:} SQL when the plan gives it, else the kind's own undo (a backfill into a
   * table removes what it copied); the kind's reader reports steps it cannot undo itself.
   */
  OPTIONAL,
  /** Checks and gates change nothing. */
  NOTHING
}
