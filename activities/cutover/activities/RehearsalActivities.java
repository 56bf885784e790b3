package cutover.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Rehearses a pushed plan's SQL on a target, in a transaction that is rolled back. */
@ActivityInterface
public interface RehearsalActivities {

  @ActivityMethod(name = "RehearsePlan")
  Rehearsal rehearse(RehearsalRequest request);
}
