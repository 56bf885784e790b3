package cutover.activities;

/**
 * A session seen blocking a step's statement, as Temporal may carry it (heartbeats, results,
 * failure messages, the status query): who it is and what lock it holds, never its SQL, which
 * may hold anything (a literal secret) and is kept in the ledger only
 * ({@code cutover.run_event.blocker_sql}). Names and users pass through the targets' redaction
 * first.
 *
 * @param pid the blocking backend's pid
 * @param application its {@code application_name}
 * @param user its role ({@code usename}); the target's own user shows redacted
 * @param state its {@code state} (idle in transaction, active, ...); null when the worker's role may not see it
 * @param lockMode the mode of its lock on what the step waits for (AccessExclusiveLock, ...), or null
 * @param lockGranted whether it holds that lock (false: it is queued ahead of the step), or null
 * @param lockedObject what the lock is on: a table's name, or "a row" for a row lock; or null
 * @param blockingMillis how long it has blocked the step's unit of work (across retries)
 * @param transactionMillis how long its transaction has been open, or -1 when unknown
 */
public record LockBlocker(
    int pid,
    String application,
    String user,
    String state,
    String lockMode,
    Boolean lockGranted,
    String lockedObject,
    long blockingMillis,
    long transactionMillis) {

  /** The same session, blocking for {@code millis} now. */
  LockBlocker blockingFor(long millis) {
    return new LockBlocker(pid, application, user, state, lockMode, lockGranted, lockedObject, millis, transactionMillis);
  }

  /**
   * {@code pid 4242 (app 'psql', user 'alice', idle in transaction, holds AccessExclusiveLock on
   * accounts, blocking 3.2s, transaction open 41.0s)}.
   */
  public String describe() {
    StringBuilder text = new StringBuilder("pid ").append(pid).append(" (app '")
        .append(application == null ? "" : application).append('\'');
    if (user != null && !user.isBlank()) {
      text.append(", user '").append(user).append('\'');
    }
    if (state != null && !state.isBlank()) {
      text.append(", ").append(state);
    }
    if (lockMode != null) {
      text.append(", ").append(Boolean.FALSE.equals(lockGranted) ? "queued for " : "holds ").append(lockMode);
      if (lockedObject != null && !lockedObject.isBlank()) {
        text.append(" on ").append(lockedObject);
      }
    }
    text.append(", blocking ").append(SqlRunner.seconds(blockingMillis));
    if (transactionMillis >= 0) {
      text.append(", transaction open ").append(SqlRunner.seconds(transactionMillis));
    }
    return text.append(')').toString();
  }
}
