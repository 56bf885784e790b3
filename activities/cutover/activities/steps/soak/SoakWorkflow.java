package cutover.activities.steps.soak;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A soak's repetitions, as a child of the phase that holds the soak gate: it runs the checks and
 * continues as new every {@link SoakRequest#CALLS_PER_RUN} activities, so a month checked every
 * minute stays a few thousand events per history. The phase forwards skip, pause, resume and
 * rollback to it; its signals take no payload (whatever is sent is ignored), the phase records
 * who decided.
 */
@WorkflowInterface
public interface SoakWorkflow {
  String TYPE = "CutoverSoak";

  @WorkflowMethod(name = TYPE)
  SoakResult run(SoakRequest request);

  /** Ends the soak as passed by a person: the phase checked and recorded the skip. */
  @SignalMethod(name = "skip")
  void skip();

  /** No checks run until resumed, and the time paused does not count toward {@code for:}. */
  @SignalMethod(name = "pause")
  void pause();

  @SignalMethod(name = "resume")
  void resume();

  /** The soak gives way: the phase rolls back. */
  @SignalMethod(name = "rollback")
  void rollback();

  @QueryMethod(name = "status")
  SoakProgress status();
}
