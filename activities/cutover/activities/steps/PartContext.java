package cutover.activities.steps;

import cutover.activities.SqlRunner;
import cutover.activities.StepAction;
import cutover.plan.PlanStep;

/**
 * What one part of a batched step works with: the step, which part of how many, and a session
 * of the SQL runner whose transactions get the step's lock settings and retries, and whose
 * watcher reports blockers and heartbeats the part's progress.
 */
public record PartContext(
    String runId, String target, PlanStep step, StepAction action, int part, int parts, SqlRunner.Session session) {}
