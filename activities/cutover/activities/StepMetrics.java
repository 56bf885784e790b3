package cutover.activities;

import com.uber.m3.tally.NoopScope;
import com.uber.m3.tally.Scope;
import cutover.activities.steps.StepState;
import io.temporal.activity.Activity;
import java.time.Duration;
import java.util.Map;

/**
 * Records cutover's metrics ({@link CutoverMetric}) from activity code, into the running
 * activity's Temporal metrics scope (which adds its namespace, task queue and activity type);
 * outside an activity (code called directly, in tests) nothing is recorded.
 */
public final class StepMetrics {
  private StepMetrics() {}

  /** A backfill batch committed {@code rows} rows in {@code millis}. */
  public static void batchCommitted(String target, String kind, StepAction action, long rows, long millis) {
    Scope scope = scope().tagged(Map.of("target", target, "kind", kind, "action", action.word()));
    scope.counter(CutoverMetric.ROWS_COPIED.metricName()).inc(rows);
    scope.timer(CutoverMetric.BATCH_DURATION.metricName()).record(com.uber.m3.util.Duration.ofMillis(millis));
  }

  /** A transaction waited {@code lock_timeout} for a lock; {@code retried} when it is begun again. */
  public static void lockTimedOut(String target, boolean retried) {
    Scope scope = scope().tagged(Map.of("target", target));
    scope.counter(CutoverMetric.LOCK_TIMEOUTS.metricName()).inc(1);
    if (retried) {
      scope.counter(CutoverMetric.LOCK_RETRIES.metricName()).inc(1);
    }
  }

  /** A unit of work that hit a lock timeout got its locks, or gave up, after {@code waited}. */
  public static void lockWaitEnded(String target, boolean acquired, Duration waited) {
    scope().tagged(Map.of("target", target, "outcome", acquired ? "acquired" : "gave_up"))
        .timer(CutoverMetric.LOCK_WAIT.metricName()).record(com.uber.m3.util.Duration.ofNanos(waited.toNanos()));
  }

  /** A step's attempt ended in {@code state}: completed, failed, compensated or compensation_failed. */
  public static void stepEnded(Scope scope, String kind, StepAction action, StepState state) {
    scope.tagged(Map.of("kind", kind, "action", action.word(), "state", state.word()))
        .counter(CutoverMetric.STEPS.metricName()).inc(1);
  }

  /** A parity comparison hashed {@code chunks} key-range chunks, {@code differing} of them not alike. */
  public static void parityChunks(String target, int chunks, int differing) {
    Scope scope = scope();
    scope.tagged(Map.of("target", target, "result", "matched")).counter(CutoverMetric.PARITY_CHUNKS.metricName())
        .inc(chunks - differing);
    scope.tagged(Map.of("target", target, "result", "differing")).counter(CutoverMetric.PARITY_CHUNKS.metricName())
        .inc(differing);
  }

  private static Scope scope() {
    try {
      return Activity.getExecutionContext().getMetricsScope();
    } catch (RuntimeException notInAnActivity) {
      return new NoopScope();
    }
  }
}
