package cutover.workflows;

import cutover.activities.CutoverMetric;
import cutover.activities.StepAction;
import cutover.activities.steps.StepState;
import io.temporal.workflow.Workflow;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Cutover's metrics of what the workflows decide (gates, signals), recorded through
 * {@link Workflow#getMetricsScope()}: it records nothing while a history replays, so a gate
 * held across a worker restart is counted once, when it ends, and it adds no command to the
 * history (no {@code Workflow.getVersion} needed). A refused signal is logged as one line the
 * same way ({@link Workflow#getLogger} is quiet on replay too).
 */
final class WorkflowMetrics {
  private static final Logger log = Workflow.getLogger(OperatorSignal.class);

  private WorkflowMetrics() {}

  /** A gate held its phase {@code millis} of workflow time, and passed or not. */
  static void gateHeld(String kind, long millis, boolean passed) {
    Workflow.getMetricsScope().tagged(Map.of("kind", kind, "outcome", passed ? "passed" : "not_passed"))
        .timer(CutoverMetric.GATE_WAIT.metricName()).record(com.uber.m3.util.Duration.ofMillis(millis));
    StepState state = passed ? StepState.COMPLETED : StepState.FAILED;
    Workflow.getMetricsScope().tagged(Map.of("kind", kind, "action", StepAction.APPLY.word(), "state", state.word()))
        .counter(CutoverMetric.STEPS.metricName()).inc(1);
  }

  /** A signal was answered; a refusal is logged, once, as one line. */
  static void signalAnswered(OperatorSignal signal, boolean accepted, String message) {
    Workflow.getMetricsScope().tagged(Map.of("signal", signal == null ? "unknown" : signal.word(),
        "accepted", Boolean.toString(accepted))).counter(CutoverMetric.SIGNALS.metricName()).inc(1);
    if (!accepted) {
      log.warn("{}", message);
    }
  }
}
