package cutover.activities.steps;

import cutover.plan.PlanStep;
import org.jooq.DSLContext;

/**
 * What a step kind works with: the step from the plan, the run it belongs to, and a jOOQ
 * context bound to the open transaction (with {@code lock_timeout} and
 * {@code statement_timeout} already set locally). Kinds that run outside a transaction get a
 * null {@code sql} and use {@link StepEnvironment#inTransaction}.
 */
public record StepContext(String runId, String target, PlanStep step, DSLContext sql, StepEnvironment environment) {

  public StepContext(String runId, String target, PlanStep step, DSLContext sql) {
    this(runId, target, step, sql, StepEnvironment.NONE);
  }

  public StepContext {
    environment = environment == null ? StepEnvironment.NONE : environment;
  }
}
