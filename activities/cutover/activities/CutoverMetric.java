package cutover.activities;

import java.util.List;

/**
 * Cutover's own metrics, recorded through Temporal's metrics scope (an activity's, or the
 * workflow's replay-aware one), so that they leave the worker by the same path as Temporal's:
 * the worker's Prometheus endpoint names them with the suffixes Prometheus adds (a counter's
 * {@code _total}, a timer's {@code _seconds_bucket|_count|_sum|_max}). Labels are bounded: targets
 * (configured on the worker), step kinds, actions and outcomes, never runs or steps.
 */
public enum CutoverMetric {
  ROWS_COPIED("cutover_rows_copied", Type.COUNTER, List.of("target", "kind", "action"),
      "rows a backfill committed: copied or updated when applied, removed when compensated"),
  BATCH_DURATION("cutover_batch_duration", Type.TIMER, List.of("target", "kind", "action"),
      "how long each committed backfill batch transaction took (and so held its locks)"),
  LOCK_TIMEOUTS("cutover_lock_timeouts", Type.COUNTER, List.of("target"),
      "transactions that waited lock_timeout for a lock and were rolled back"),
  LOCK_RETRIES("cutover_lock_retries", Type.COUNTER, List.of("target"),
      "transactions begun again after a lock timeout, within the step's lockRetryFor"),
  LOCK_WAIT("cutover_lock_wait", Type.TIMER, List.of("target", "outcome"),
      "from a unit of work's start to its locks (outcome acquired) or to lockRetryFor spent (gave_up), when it hit a lock timeout"),
  GATE_WAIT("cutover_gate_wait", Type.TIMER, List.of("kind", "outcome"),
      "how long a gate (approval, wait, soak) held its phase: outcome passed, or not_passed (refused, failed, rolled back)"),
  STEPS("cutover_steps", Type.COUNTER, List.of("kind", "action", "state"),
      "steps that ended an attempt, by kind, action (apply, compensate, verify) and state (completed, failed,"
          + " compensated, compensation_failed)"),
  PARITY_CHUNKS("cutover_parity_chunks", Type.COUNTER, List.of("target", "result"),
      "key-range chunks a parity step compared, by result (matched, differing)"),
  SIGNALS("cutover_signals", Type.COUNTER, List.of("signal", "accepted"),
      "operator signals answered by a workflow, accepted (true) or refused (false)");

  /** How Temporal's scope records it, and so which series Prometheus shows. */
  public enum Type { COUNTER, TIMER }

  private final String metricName;
  private final Type type;
  private final List<String> labels;
  private final String help;

  CutoverMetric(String metricName, Type type, List<String> labels, String help) {
    this.metricName = metricName;
    this.type = type;
    this.labels = labels;
    this.help = help;
  }

  /** The name given to Temporal's scope. */
  public String metricName() {
    return metricName;
  }

  /** The name of its series on a Prometheus endpoint (the timer's histogram, count and sum share it). */
  public String prometheusName() {
    return metricName + (type == Type.COUNTER ? "_total" : "_seconds");
  }

  public Type type() {
    return type;
  }

  public List<String> labels() {
    return labels;
  }

  public String help() {
    return help;
  }
}
