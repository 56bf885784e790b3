package cutover.activities.steps;

import cutover.activities.StepAction;
import cutover.plan.StepSpec;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * A kind that works in many transactions (a backfill's batches) instead of one. Its apply and
 * its compensation each run in three stages, which {@code StepActivitiesImpl} routes and the
 * workflows drive:
 *
 * <ol>
 *   <li>{@link #prepare}: one transaction fixes the work (e.g. a backfill's key range) and splits
 *       it into parts, recorded in the ledger; called again it finds the recorded parts;
 *   <li>{@link #runPart}: one activity per part, run in parallel; each part commits batch after
 *       batch with its checkpoint and, retried, goes on after its last committed batch;
 *   <li>{@link #apply} / {@link #compensate}: in the transaction that writes the step's ledger
 *       row, summarizes the finished parts (or, for a compensation given as SQL, runs it).
 * </ol>
 */
public interface BatchedKind<S extends StepSpec> extends ExecutedKind<S> {

  /**
   * Work of {@code action} that must commit before {@link #prepare} begins, in a transaction of its
   * own (a backfill's change capture: its trigger holds back the source's writers until its
   * transaction commits, which must not wait for the prepare's reads of the whole source). Called
   * only while the step has no parts; it must find its own work done when called again.
   */
  default void prepareFirst(StepContext context, StepAction action) {}

  /**
   * Fixes and splits the work of {@code action} (apply or compensate) inside the context's transaction; returns the
   * number of parts to run (0: nothing to run in parts).
   */
  int prepare(StepContext context, StepAction action);

  /** Runs one part to its end, each batch one transaction of the part's session. */
  PartOutcome runPart(PartContext context);

  /** Whether anything of the step took effect in this run (a part committed a batch), so a rollback must undo it. */
  boolean started(StepContext context);

  /** When the first part of {@code action} started, which is when the step began. */
  Optional<OffsetDateTime> firstStarted(StepContext context, StepAction action);
}
