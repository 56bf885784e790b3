package cutover.activities.steps;

import cutover.plan.PlanStep;
import org.jooq.DSLContext;

/**
 * What a step kind works with: the step from the plan, the run it belongs to, and a jOOQ
 * context bound to the open transaction (with {@code lock_timeout} and
 * {@code statement_timeout} already set locally).
 */
public record StepContext(String runId, String target, PlanStep step, DSLContext sql) {}
