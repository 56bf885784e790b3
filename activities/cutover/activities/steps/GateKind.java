package cutover.activities.steps;

import cutover.plan.PlanStep;
import cutover.plan.StepSpec;

/**
 * A kind the phase workflow holds (people, timers): its {@link Gate} runs inside the workflow,
 * so it is deterministic code: no I/O, clock or randomness but Temporal's, its side effects
 * through the context's activities.
 */
public interface GateKind<S extends StepSpec> extends StepKind<S> {

  /** The events that mark this kind's gates in the ledger. */
  GateEvents events();

  /** The gate for one step, opened when the phase reaches it. */
  Gate open(PlanStep step, S spec, GateContext context);

  /** {@link #open} with the step's own spec. */
  default Gate open(PlanStep step, GateContext context) {
    return open(step, spec(step), context);
  }
}
