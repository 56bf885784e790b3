package cutover.activities;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A unit of work of a step that is retrying lock timeouts, as its heartbeats report it (so the
 * Temporal UI's pending activity and {@code cutover status} show it while it lasts).
 *
 * @param blockers the sessions that blocked its latest attempt
 * @param attempt the attempt running or about to run
 * @param waitingMillis how long the unit of work has been trying to get its locks
 * @param lockRetryForMillis its budget: it gives up once this has passed
 */
public record LockWait(List<LockBlocker> blockers, int attempt, long waitingMillis, long lockRetryForMillis) {

  public LockWait {
    blockers = blockers == null ? List.of() : List.copyOf(blockers);
  }

  /** "attempt 4, waiting 12.3s of lockRetryFor 5m; blocked by pid 4242 (...)". */
  public String describe() {
    String who = blockers.isEmpty() ? "the blocking session was not seen"
        : "blocked by " + blockers.stream().map(LockBlocker::describe).collect(Collectors.joining("; "));
    return "attempt " + attempt + ", waiting " + SqlRunner.seconds(waitingMillis) + " of lockRetryFor "
        + SqlRunner.budget(java.time.Duration.ofMillis(lockRetryForMillis)) + "; " + who;
  }
}
