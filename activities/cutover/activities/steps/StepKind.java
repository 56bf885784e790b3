package cutover.activities.steps;

import cutover.plan.StepFields;

/**
 * One kind of step. Every kind is one class behind this interface; {@link StepKinds} maps
 * kind names to classes, so adding a kind touches neither the workflows nor the parser.
 */
public interface StepKind {

  /** How a completed step of this kind is undone by a rollback. */
  enum Undo {
    /** The plan must give {@code compensate:} SQL or declare {@code irreversible: true}. */
    DECLARED,
    /** The kind restores what it changed by itself (a flag's previous value). */
    AUTOMATIC,
    /**
     * {@code compensate:} SQL when the plan gives it, else the kind's own undo (a backfill into a
     * table removes what it copied); the kind's {@code validate} reports steps it cannot undo itself.
     */
    OPTIONAL,
    /** Checks and gates change nothing. */
    NOTHING
  }

  /** Where a kind's work runs. The routing of each is in one place, {@code StepActivitiesImpl}. */
  enum Execution {
    /** apply runs inside the transaction that also writes the step's ledger row. */
    IN_TRANSACTION,
    /**
     * apply makes calls that must not hold a database transaction open (HTTP, commands): it runs
     * with no transaction; the ledger row is written after it, in a short transaction of its own.
     * SQL it needs goes through {@link StepEnvironment#inTransaction}.
     */
    OUTSIDE_TRANSACTION,
    /** Decided by the phase workflow (people, timers); apply is never called. */
    WORKFLOW
  }

  /** The name used as {@code kind:} in plans. */
  String name();

  Undo undo();

  default Execution execution() {
    return Execution.IN_TRANSACTION;
  }

  /**
   * Whether a soak may repeat it: a verification that changes nothing, whose apply can run any
   * number of times without being recorded as the step.
   */
  default boolean repeatable() {
    return false;
  }

  /** Checks the kind's own fields at plan-load time; reading a field declares it known. */
  void validate(StepFields fields);

  /** Applies the step. Runs inside the transaction that also writes the step's ledger row. */
  StepOutcome apply(StepContext context);

  /** Undoes the step. Runs inside the transaction that also writes the compensation's ledger row. */
  StepOutcome compensate(StepContext context);
}
