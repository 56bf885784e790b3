package cutover.workflows;

import cutover.activities.StepCall;
import cutover.plan.PlanStep;
import io.temporal.failure.ActivityFailure;
import java.util.List;

/**
 * Applies a wave phase's steps for one key, through the ledger (each keyed step once per run),
 * or compensates them in reverse. A step that fails after its retries ends the key as failed: the
 * wave decides what follows. The key reaches the steps' SQL as {@code current_setting('cutover.key')}.
 */
public class WaveKeyWorkflowImpl implements WaveKeyWorkflow {

  @Override
  public KeyOutcome run(WaveKeyRequest request) {
    if (request == null || CutoverPhaseWorkflowImpl.blank(request.target()) || CutoverPhaseWorkflowImpl.blank(request.run())
        || CutoverPhaseWorkflowImpl.blank(request.key()) || request.action() == null) {
      throw Failures.fatal(TYPE + " needs a target, a run, a key and an action; its wave starts it", "InvalidInput");
    }
    ActivityStubs activities = ActivityStubs.forTarget(request.target());
    StepRunner steps = new StepRunner(activities.steps(), activities.parts());
    List<PlanStep> plan = request.steps();
    boolean apply = request.action() == WaveAction.APPLY;
    for (int i = 0; i < plan.size(); i++) {
      PlanStep step = keyed(plan.get(apply ? i : plan.size() - 1 - i), request.key());
      StepCall call = new StepCall(request.target(), request.run(), request.phase(), step, request.allowFixes(),
          request.key());
      try {
        if (apply) {
          steps.apply(call);
        } else {
          steps.compensate(call);
        }
      } catch (ActivityFailure failure) {
        String subject = (apply ? "" : "compensation of ") + "step '" + step.id() + "'";
        return new KeyOutcome(request.key(), apply ? KeyState.FAILED : KeyState.ROLLBACK_FAILED, step.id(),
            Failures.of(subject, failure));
      }
    }
    return new KeyOutcome(request.key(), apply ? KeyState.DONE : KeyState.ROLLED_BACK, null, null);
  }

  /** The step as the ledger knows it for one key: {@code copy-rows[acme]}. */
  static PlanStep keyed(PlanStep step, String key) {
    return new PlanStep(step.id() + "[" + key + "]", step.description(), step.compensate(), step.irreversible(),
        false, step.spec(), step.line(), step.lint());
  }
}
