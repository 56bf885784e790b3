package cutover.activities.steps;

import cutover.plan.PlanStep;
import cutover.plan.StepFields;
import java.time.Duration;

/**
 * The lock settings every step that runs SQL shares. {@code lock_timeout} is short by default:
 * while DDL waits for its lock every writer queues behind it, so the timeout caps the stall the
 * application feels; the step then retries with backoff.
 */
public final class SqlTimeouts {
  public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMillis(500);
  public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofMinutes(15);
  public static final int DEFAULT_LOCK_RETRIES = 20;

  private SqlTimeouts() {}

  /** Declares and checks {@code lockTimeout}, {@code statementTimeout} and {@code lockRetries}. */
  public static void validate(StepFields fields) {
    Duration lock = fields.optionalDuration("lockTimeout", DEFAULT_LOCK_TIMEOUT);
    Duration statement = fields.optionalDuration("statementTimeout", DEFAULT_STATEMENT_TIMEOUT);
    fields.optionalInteger("lockRetries", 0, 1000, DEFAULT_LOCK_RETRIES);
    if (lock != null && lock.isZero()) {
      fields.problem("lockTimeout", "lockTimeout 0 would let DDL queue every writer behind it indefinitely",
          "give a bound such as 500ms");
    }
    if (statement != null && statement.isZero()) {
      fields.problem("statementTimeout", "statementTimeout 0 disables the bound", "give a bound such as 15m");
    }
  }

  public static Duration lockTimeout(PlanStep step) {
    return step.duration("lockTimeout", DEFAULT_LOCK_TIMEOUT);
  }

  public static Duration statementTimeout(PlanStep step) {
    return step.duration("statementTimeout", DEFAULT_STATEMENT_TIMEOUT);
  }

  public static int lockRetries(PlanStep step) {
    return step.integer("lockRetries", DEFAULT_LOCK_RETRIES);
  }
}
