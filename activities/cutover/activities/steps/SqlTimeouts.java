package cutover.activities.steps;

import cutover.plan.StepFields;
import java.time.Duration;

/**
 * The lock settings every step that runs SQL shares, and their defaults. {@code lock_timeout} is
 * short by default: while DDL waits for its lock every writer queues behind it, so the timeout
 * caps the stall the application feels; the step then retries with backoff.
 */
public interface SqlTimeouts {
  Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMillis(500);
  Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofMinutes(15);
  int DEFAULT_LOCK_RETRIES = 20;
  /** PostgreSQL keeps both timeouts as an int of milliseconds: it refuses anything longer. */
  Duration LONGEST = Duration.ofMillis(Integer.MAX_VALUE);

  // For the plan schema: each spec record's three fields carry these (a test checks the defaults).
  String LOCK_TIMEOUT_DEFAULT = "500ms";
  String STATEMENT_TIMEOUT_DEFAULT = "15m";
  String LOCK_RETRIES_DEFAULT = "" + DEFAULT_LOCK_RETRIES;
  String LOCK_TIMEOUT_DESCRIPTION = "SET LOCAL lock_timeout: how long a statement may wait for a lock before the "
      + "step gives up and retries; short, because writers queue behind DDL that waits for its lock. Not 0.";
  String STATEMENT_TIMEOUT_DESCRIPTION = "SET LOCAL statement_timeout: the longest any one statement may run. Not 0.";
  String LOCK_RETRIES_DESCRIPTION = "How often a lock timeout is retried, with capped, jittered backoff; 0 to 1000.";

  Duration lockTimeout();

  Duration statementTimeout();

  Integer lockRetries();

  /** The three fields as a plan gives them (null: absent), read and checked together. */
  record Read(Duration lockTimeout, Duration statementTimeout, Integer lockRetries) {}

  /** Declares and checks {@code lockTimeout}, {@code statementTimeout} and {@code lockRetries}. */
  static Read read(StepFields fields) {
    Duration lock = fields.optionalDuration("lockTimeout", null);
    Duration statement = fields.optionalDuration("statementTimeout", null);
    Integer retries = fields.optionalInteger("lockRetries", 0, 1000, null);
    if (lock != null && lock.isZero()) {
      fields.problem("lockTimeout", "lockTimeout 0 would let DDL queue every writer behind it indefinitely",
          "give a bound such as 500ms");
    }
    if (statement != null && statement.isZero()) {
      fields.problem("statementTimeout", "statementTimeout 0 disables the bound", "give a bound such as 15m");
    }
    for (String field : new String[] {"lockTimeout", "statementTimeout"}) {
      Duration given = field.equals("lockTimeout") ? lock : statement;
      if (given != null && given.compareTo(LONGEST) > 0) {
        fields.problem(field, field + " " + given + " is longer than PostgreSQL accepts (" + LONGEST.toMillis()
            + " ms, about 24.8 days)", "give at most 24d; a step that needs longer should be split into batches");
      }
    }
    return new Read(lock, statement, retries);
  }

  static Duration lockTimeout(Duration given) {
    return given == null ? DEFAULT_LOCK_TIMEOUT : given;
  }

  static Duration statementTimeout(Duration given) {
    return given == null ? DEFAULT_STATEMENT_TIMEOUT : given;
  }

  static Integer lockRetries(Integer given) {
    return given == null ? DEFAULT_LOCK_RETRIES : given;
  }
}
