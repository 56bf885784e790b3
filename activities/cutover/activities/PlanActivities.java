package cutover.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The plan registry, kept in each target's ledger. */
@ActivityInterface
public interface PlanActivities {
  /** The failure type of a start refused for the plan's lint errors no step acknowledges. */
  String LINT_ERRORS = "PlanLintErrors";


  /** Validates a plan's YAML on the worker (which knows the targets) and registers it. */
  @ActivityMethod(name = "PushPlan")
  PlanPushResult push(PlanPushRequest request);

  /**
   * The target a plan names, read on any worker (it needs no database), so that its push goes to
   * a worker of that target: a result holding only the target, or the plan's problems.
   */
  @ActivityMethod(name = "ReadPlanTarget")
  PlanPushResult readTarget(PlanPushRequest request);

  /** Loads a registered plan: the given version (hash prefix), or the latest pushed. */
  @ActivityMethod(name = "LoadPlan")
  LoadedPlan load(PlanRef ref);
}
