package cutover.activities.steps.backfill;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import cutover.plan.StepFields;
import cutover.plan.schema.OrBoolean;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * A backfill's latency guard, as the plan gives it ({@code guard: true} or {@code guard: {...}}),
 * with its defaults: a probe
 * whose latency the backfill measures before its first batch (the baseline) and while it runs,
 * backing off while the probe's p99 over the last {@code window} exceeds {@code ratio} × the
 * baseline's p99.
 *
 * @param probe a typical application query, as written (run and rolled back); null: the
 *     default probe, a one-row write into {@code cutover.latency_probe}, committed
 */
@OrBoolean
public record GuardSpec(
    @JsonPropertyDescription("A typical application query, as written, e.g. SELECT ... FROM orders WHERE id = 42; run "
        + "on a connection of its own with lockTimeout and statementTimeout set to timeout:, and rolled back. By "
        + "default a one-row write into cutover.latency_probe, committed.")
    String probe,
    @JsonProperty(defaultValue = "1.5")
    @JsonPropertyDescription("Back off while the probe's p99 exceeds this many times its baseline p99; more than 1.")
    BigDecimal ratio,
    @JsonProperty(defaultValue = "2s")
    @JsonPropertyDescription("The recent time whose probes give the p99 the guard compares.")
    Duration window,
    @JsonProperty(defaultValue = "20ms")
    @JsonPropertyDescription("How often the probe runs while the backfill does.")
    Duration every,
    @JsonProperty(defaultValue = "1s")
    @JsonPropertyDescription("The probe's lock_timeout and statement_timeout; a probe stopped by it counts as that slow.")
    Duration timeout) {

  public static final BigDecimal DEFAULT_RATIO = new BigDecimal("1.5");
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(2);
  public static final Duration DEFAULT_EVERY = Duration.ofMillis(20);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  /** The guard of {@code guard: true}. */
  public static final GuardSpec DEFAULTS = new GuardSpec(null, null, null, null, null);

  public GuardSpec {
    ratio = ratio == null ? DEFAULT_RATIO : ratio;
    window = window == null ? DEFAULT_WINDOW : window;
    every = every == null ? DEFAULT_EVERY : every;
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
  }

  /**
   * Reads {@code guard:} at plan-load time: the guard, or null when the plan has none. Off unless
   * asked for: measured on 2 cores, the copy alone slows the default probe past 1.5x its baseline,
   * so a guard on by default would slow every backfill, application load or not.
   */
  static GuardSpec read(StepFields fields) {
    if (fields.writtenAsBoolean("guard")) {
      return fields.optionalBoolean("guard", false) ? DEFAULTS : null;
    }
    StepFields guard = fields.optionalSection("guard");
    if (guard == null) {
      return null;
    }
    String probe = guard.optionalString("probe");
    BigDecimal ratio = guard.optionalNumber("ratio");
    Duration window = guard.optionalDuration("window", null);
    Duration every = guard.optionalDuration("every", null);
    Duration timeout = guard.optionalDuration("timeout", null);
    if (probe != null && probe.isBlank()) {
      guard.problem("probe", "probe: is blank", "give a typical application query, or remove probe: for the default");
    }
    if (ratio != null && ratio.compareTo(BigDecimal.ONE) <= 0) {
      guard.problem("ratio", "ratio must be more than 1, found " + ratio.toPlainString(),
          "write e.g. ratio: 1.5 (back off while the probe is 50% slower than its baseline)");
    }
    if (window != null && window.compareTo(Duration.ofMillis(100)) < 0) {
      guard.problem("window", "window must be at least 100ms", "write e.g. window: 2s");
    }
    if (every != null && (every.compareTo(Duration.ofMillis(1)) < 0 || every.compareTo(Duration.ofSeconds(10)) > 0)) {
      guard.problem("every", "every must be from 1ms to 10s", "write e.g. every: 20ms");
    }
    if (window != null && every != null && window.compareTo(every.multipliedBy(5)) < 0) {
      guard.problem("window", "window must hold at least 5 probes (5 x every:)", "make window: longer or every: shorter");
    }
    if (timeout != null && (timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0)) {
      guard.problem("timeout", "timeout must be more than 0 and at most 1m", "write e.g. timeout: 1s");
    }
    return new GuardSpec(probe, ratio, window, every, timeout);
  }

  /** Whether the plan named its own probe (rolled back) rather than the default write (committed). */
  boolean planProbe() {
    return probe != null;
  }
}
