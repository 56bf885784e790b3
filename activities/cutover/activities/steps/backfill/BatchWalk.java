package cutover.activities.steps.backfill;

import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;

/**
 * How one part of a backfill goes through its rows: from the part's checkpoint, the rows of the
 * next batch and the checkpoint the batch ends at. The batch runs in the same transaction and
 * commits with that checkpoint, so every walk is resumable and exactly once. One implementation
 * per {@link WalkKind}; what a batch does with its rows (copy, update, remove) is not the walk's.
 */
interface BatchWalk {

  /**
   * The next batch of about {@code rows} rows after the part's checkpoint, or null when the part
   * has reached its end.
   */
  Range next(DSLContext sql, Checkpoints.Part part, int rows);

  /** The batch's rows were written ({@code rows} of them): walks that size their ranges learn from it. */
  default void observe(Range range, long rows) {}

  /**
   * A batch: the condition that selects its rows of the source (with the plan's filter applied
   * beside it), and where the part's checkpoint stands once the batch commits.
   */
  record Range(Condition rows, List<String> end) {}
}
