package cutover.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Reads a run's record from the ledger, for reports. */
@ActivityInterface
public interface ReportActivities {

  /** The run's report; with no target given, every target's ledger is searched for the run. */
  @ActivityMethod(name = "RunReport")
  RunReport runReport(RunRef run);
}
