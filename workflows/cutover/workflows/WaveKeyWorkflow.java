package cutover.workflows;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** The steps of a wave phase for one key: applied in order, or compensated last first. */
@WorkflowInterface
public interface WaveKeyWorkflow {
  String TYPE = "CutoverWaveKey";

  @WorkflowMethod(name = TYPE)
  KeyOutcome run(WaveKeyRequest request);
}
