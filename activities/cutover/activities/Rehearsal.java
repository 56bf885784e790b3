package cutover.activities;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What a rehearsal did: every step of the phases rehearsed, with the time and the locks of each of
 * its statements, or why it was not rehearsed. The transaction was rolled back: nothing of it
 * stands on the target, and the ledger has no row of it.
 *
 * @param phases the phases rehearsed, in order
 * @param millis the whole rehearsal, rollback included
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Rehearsal(String plan, String planHash, String target, List<String> phases, List<StepRehearsal> steps,
    long millis) {

  /** Whether a rehearsed statement failed (a lock timeout, an error of the SQL). */
  public boolean failed() {
    return steps.stream().flatMap(s -> s.statements().stream()).anyMatch(s -> s.error() != null);
  }

  /**
   * A step of a rehearsed phase.
   *
   * @param rehearsed its statements ran in the rehearsal's transaction
   * @param reason why it was not rehearsed (or not to the end), or null
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record StepRehearsal(String phase, String stepId, String kind, boolean rehearsed, String reason,
      List<StatementRehearsal> statements) {}

  /**
   * One statement of a step, as PostgreSQL's driver splits the step's SQL.
   *
   * @param sql the statement, as written (its first 300 characters)
   * @param millis how long it ran, to a hundredth of a millisecond
   * @param rows rows it changed, as PostgreSQL counts them; null for a query
   * @param locks the locks it took, still held when it ended (held until the transaction ends)
   * @param error why it failed (its changes were undone to the savepoint before it), or null
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record StatementRehearsal(String sql, double millis, Long rows, List<HeldLock> locks, String error) {}

  /**
   * A lock in {@code pg_locks} held by the rehearsal's own backend.
   *
   * @param object the relation ({@code schema.table}) or the lock type's object, e.g. {@code advisory}
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record HeldLock(String mode, String object, boolean granted) {
    /** "AccessExclusiveLock on public.accounts". */
    public String describe() {
      return mode + " on " + object + (granted ? "" : " (waiting)");
    }
  }
}
