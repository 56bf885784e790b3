package cutover.workflows;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One wave of a wave phase: a child of the phase, whose own children are the keys. Keeps the
 * phase's history to a few events per wave, and its own to a few per key of one wave.
 */
@WorkflowInterface
public interface WaveWorkflow {
  String TYPE = "CutoverWave";
  String STOP = "stop";

  @WorkflowMethod(name = TYPE)
  WaveResult run(WaveRequest request);

  /** Starts no more keys (the phase is rolling back); the running ones end as they will. */
  @SignalMethod(name = STOP)
  void stop(OperatorAction action);

  @QueryMethod(name = "status")
  WaveProgress status();
}
