package cutover.activities.steps;

import cutover.plan.StepSpec;

/** A kind whose work runs in activities: applied and compensated, each exactly once per run. */
public interface ExecutedKind<S extends StepSpec> extends StepKind<S> {

  /** Applies the step, in the ledger's transaction or outside of any, as {@link #execution()} says. */
  StepOutcome apply(StepContext context, S spec);

  /** Undoes the step, inside the transaction that also writes the compensation's ledger row. */
  StepOutcome compensate(StepContext context, S spec);

  /**
   * Whether an apply whose row was never written (the worker died after the effect committed)
   * left something a compensation must undo; asked in the compensation's transaction.
   */
  default boolean leftEffects(StepContext context) {
    return false;
  }

  /** {@link #apply} with the context's own step. */
  default StepOutcome apply(StepContext context) {
    return apply(context, spec(context.step()));
  }

  /** {@link #compensate} with the context's own step. */
  default StepOutcome compensate(StepContext context) {
    return compensate(context, spec(context.step()));
  }
}
