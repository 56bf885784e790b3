package cutover.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The plan registry, kept in each target's ledger. */
@ActivityInterface
public interface PlanActivities {

  /** Validates a plan's YAML on the worker (which knows the targets) and registers it. */
  @ActivityMethod(name = "PushPlan")
  PlanPushResult push(PlanPushRequest request);

  /** Loads a registered plan: the given version (hash prefix), or the latest pushed. */
  @ActivityMethod(name = "LoadPlan")
  LoadedPlan load(PlanRef ref);
}
