package cutover.activities.steps;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import cutover.plan.PlanStep;
import cutover.plan.StepFields;
import java.time.Duration;

/**
 * The lock settings every step that runs SQL shares, with their defaults. {@code lock_timeout} is
 * short by default: while DDL waits for its lock every writer queues behind it, so the timeout
 * caps the stall the application feels; the step then retries with backoff, for at most
 * {@code lockRetryFor} in all. In a spec they are fields of the step itself
 * ({@code @JsonUnwrapped}), as a plan writes them.
 */
public record SqlTimeouts(
    @JsonProperty(defaultValue = "500ms")
    @JsonPropertyDescription("SET LOCAL lock_timeout: how long a statement may wait for a lock before the step "
        + "gives up and retries; short, because writers queue behind DDL that waits for its lock. Not 0.")
    Duration lockTimeout,
    @JsonProperty(defaultValue = "15m")
    @JsonPropertyDescription("SET LOCAL statement_timeout: the longest any one statement may run. Not 0.")
    Duration statementTimeout,
    @JsonProperty(defaultValue = "5m")
    @JsonPropertyDescription("How long in all the step keeps retrying lock timeouts (each wait at most lockTimeout, "
        + "with capped, jittered backoff between them) before it fails naming the blocking sessions; for a backfill, "
        + "per batch. Not 0.")
    Duration lockRetryFor) {
  public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMillis(500);
  public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofMinutes(15);
  /**
   * Long enough for an operator to see the blocker in {@code cutover status} and end it, or for a
   * nightly job's transaction to finish; short enough that a forgotten session fails the step
   * readably instead of holding the cutover for good.
   */
  public static final Duration DEFAULT_LOCK_RETRY_FOR = Duration.ofMinutes(5);
  /** PostgreSQL keeps both timeouts as an int of milliseconds: it refuses anything longer. */
  public static final Duration LONGEST = Duration.ofMillis(Integer.MAX_VALUE);
  public static final SqlTimeouts DEFAULTS = new SqlTimeouts(null, null, null);

  public SqlTimeouts {
    lockTimeout = lockTimeout == null ? DEFAULT_LOCK_TIMEOUT : lockTimeout;
    statementTimeout = statementTimeout == null ? DEFAULT_STATEMENT_TIMEOUT : statementTimeout;
    lockRetryFor = lockRetryFor == null ? DEFAULT_LOCK_RETRY_FOR : lockRetryFor;
  }

  /** The step's own settings when its kind runs SQL, else the defaults. */
  public static SqlTimeouts of(PlanStep step) {
    return step.spec() instanceof Given given ? given.timeouts() : DEFAULTS;
  }

  /** The spec of a kind that runs SQL. */
  public interface Given {
    SqlTimeouts timeouts();
  }

  /** Declares and checks {@code lockTimeout}, {@code statementTimeout} and {@code lockRetryFor}. */
  public static SqlTimeouts read(StepFields fields) {
    Duration lock = fields.optionalDuration("lockTimeout", null);
    Duration statement = fields.optionalDuration("statementTimeout", null);
    Duration retryFor = fields.optionalDuration("lockRetryFor", null);
    if (fields.optionalInteger("lockRetries", Integer.MIN_VALUE, Integer.MAX_VALUE, null) != null) {
      fields.problem("lockRetries", "lockRetries (a count of retries) was replaced by lockRetryFor, the total time "
          + "the step keeps retrying lock timeouts", "write lockRetryFor: 5m (the default) or another duration");
    }
    if (lock != null && lock.isZero()) {
      fields.problem("lockTimeout", "lockTimeout 0 would let DDL queue every writer behind it indefinitely",
          "give a bound such as 500ms");
    }
    if (statement != null && statement.isZero()) {
      fields.problem("statementTimeout", "statementTimeout 0 disables the bound", "give a bound such as 15m");
    }
    if (retryFor != null && retryFor.isZero()) {
      fields.problem("lockRetryFor", "lockRetryFor 0 would fail the step at its first lock timeout",
          "give a total time such as 5m");
    }
    for (String field : new String[] {"lockTimeout", "statementTimeout"}) {
      Duration given = field.equals("lockTimeout") ? lock : statement;
      if (given != null && given.compareTo(LONGEST) > 0) {
        fields.problem(field, field + " " + given + " is longer than PostgreSQL accepts (" + LONGEST.toMillis()
            + " ms, about 24.8 days)", "give at most 24d; a step that needs longer should be split into batches");
      }
    }
    if (retryFor != null && retryFor.compareTo(LONGEST) > 0) {
      fields.problem("lockRetryFor", "lockRetryFor " + retryFor + " is longer than the longest timeout ("
          + LONGEST.toMillis() + " ms, about 24.8 days, as PostgreSQL's)", "give at most 24d");
    }
    return new SqlTimeouts(lock, statement, retryFor);
  }
}
