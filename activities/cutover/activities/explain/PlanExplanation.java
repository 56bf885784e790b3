package cutover.activities.explain;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What {@code cutover plan explain} says about a plan: per phase and step what it will do, the
 * locks it takes and what they block, how long it may wait for them, the rows it touches and the
 * time that takes, how it is undone, who must approve, and when the waits end. The shape of
 * {@code --output json} (the README documents it).
 *
 * @param target the target whose statistics and rates were read, or null (the plan alone)
 * @param start the run's start the calendar is counted from, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlanExplanation(String plan, String target, Instant start, List<String> notes, List<PhaseView> phases) {

  public record PhaseView(String name, List<StepView> steps) {}

  /**
   * @param does what the step does, in one line
   * @param rows the rows it touches, when known
   * @param time how long it takes at the measured rate, or why that is not known
   * @param earliestStart when it can start at the earliest (approvals answered at once), with a start given
   * @param earliestEnd when it can end at the earliest
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record StepView(String id, String kind, String does, List<StatementView> statements, LockWaitView lockWait,
      RowsView rows, String time, UndoView undo, boolean pointOfNoReturn, ApprovalView approval, GateView gate,
      Instant earliestStart, Instant earliestEnd) {}

  /**
   * One statement of the step's SQL.
   *
   * @param blocks what the application feels: nothing, writes, or reads and writes
   * @param unparsed why the statement could not be read (its locks are then unknown), or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record StatementView(int line, String kind, String sql, List<LockView> locks, String blocks, String unparsed) {}

  /**
   * A lock on a table: PostgreSQL's mode (ACCESS EXCLUSIVE …) and what it blocks.
   *
   * @param created the table was created earlier in the plan: no application uses it yet, so its
   *     lock blocks no one, and the statement's {@code blocks} leaves it out
   */
  public record LockView(String table, String level, String blocks, boolean created) {}

  /**
   * The longest the step waits for its locks: each attempt at most {@code lockTimeout} (the
   * longest the application's queries queue behind it), retried for {@code lockRetryFor} in all.
   */
  public record LockWaitView(Duration lockTimeout, Duration lockRetryFor, Duration statementTimeout, String worstCase) {}

  /**
   * @param rows the estimate
   * @param source where it comes from: the planner's estimate of the step's filter, or a table's reltuples
   */
  public record RowsView(long rows, String source) {}

  /**
   * @param how compensate, automatic (the kind undoes itself), own (the kind's own undo), nothing, or irreversible
   * @param by the SQL or the words that say what undoes it, or why nothing can
   */
  public record UndoView(String how, String by) {}

  public record ApprovalView(List<String> approvers, int approvals, boolean signed, boolean separateFromStarter) {}

  /** A wait or soak: for how long, how often, or until when. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record GateView(String waits, Duration length, Duration every, String until) {}
}
