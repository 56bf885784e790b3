package cutover.activities.explain;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Reads what {@code plan explain --target} shows from the target, on the worker that has it. */
@ActivityInterface
public interface ExplainActivities {

  @ActivityMethod(name = "ReadTargetFacts")
  TargetFacts targetFacts(TargetFactsRequest request);
}
