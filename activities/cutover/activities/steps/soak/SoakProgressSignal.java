package cutover.activities.steps.soak;

import io.temporal.workflow.SignalMethod;

/** How a soak's child workflow tells the phase holding it how far it has come, a bounded number of times. */
public interface SoakProgressSignal {
  String NAME = "soak-progress";

  @SignalMethod(name = NAME)
  void soakProgress(SoakProgress progress);
}
