package cutover.activities.steps.backfill;

import static org.jooq.impl.DSL.name;

import java.util.Arrays;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Name;
import org.jooq.Select;
import org.jooq.impl.DSL;

/**
 * A filtered copy driven from the filter's side: when the parts are prepared, one statement
 * evaluates the plan's {@code where:} over the whole {@code from:} table (one hash or merge of
 * the filter's tables, in parallel where the server can, instead of one per batch) and writes
 * the matching rows into a match list {@code cutover.matches_<hash of run and step>}; the batches
 * then copy the list's rows by page range ({@link PageWalk} over the list, which nobody updates),
 * the plan's {@code columns:} evaluated on them under the source table's name, and the checkpoint
 * is the list's last page done. Parts split the list's pages evenly. The list is created in the
 * transaction that records the parts and dropped when the
 * step is recorded, compensated or rolled back ({@link #remove}), like the capture's table. It
 * takes the disk space of the matching rows, so {@link WalkChoice} chooses it only for a
 * selective filter. The capture's trigger was installed and committed before it, in a
 * transaction of its own, so the application's writes do not wait for the list's statement;
 * they share the server with it.
 *
 * <p>Under a latency guard, which can pace batches but not one statement, the list is made empty
 * when the parts are prepared, and one part fills it first: its state is {@link
 * PartState#LISTING} and its bounds are the source's pages, which it lists in page-range chunks
 * (each chunk's rows committed with the page it reached), paced by the guard as batches are;
 * then it copies the list. A chunk pays the filter's hash once for many pages, where a guarded
 * page walk paid it in every batch of a few hundred rows. Chunks listed at different moments
 * are exact for the same reason the list is: every row changed since the capture began is
 * copied by the replay, not from the list.
 *
 * <p>Exact only with the capture of changes ({@link Capture}): the list is a snapshot of the
 * matching rows when the parts were prepared, and every row the application inserts, updates
 * or deletes after that snapshot has its key captured. A batch copies only listed rows whose
 * key is not captured (unchanged since the snapshot, so still as listed and still matching: the
 * filter is not evaluated again), and the captured keys are replayed from the source after the
 * bulk pass. Without capture ({@code capture: false}, or a source that cannot be captured) a
 * listed row could be copied as it was before a change, so the walk is refused: a plan's {@code
 * walk: matches} fails the step before copying, and {@link WalkChoice} takes the page walk. A
 * copy only (an update in place writes the source, not the list).
 */
final class MatchWalk {
  private MatchWalk() {}

  static Name listName(String runId, String stepId) {
    return name("cutover", "matches_" + Capture.hash(runId + "\u0000" + stepId));
  }

  /** The rows a bulk pass copies: the list, under the source table's name (column expressions may qualify by it). */
  static BackfillSql.Walk listed(BackfillSpec spec, String runId, String stepId) {
    String alias = spec.fromTable().get(spec.fromTable().size() - 1);
    return new BackfillSql.Walk(DSL.table(listName(runId, stepId)).as(name(alias)), List.of(alias), spec.key(),
        DSL.noCondition(), null);
  }

  /**
   * Writes the match list of the source's rows that pass the filter now, and returns the parts
   * that copy it: its pages split evenly; one done part when nothing matches. Under a latency
   * guard: the list empty, and one part that lists the source's pages first.
   */
  static List<Checkpoints.Part> parts(DSLContext sql, BackfillSpec spec, BackfillSql.Walk source, String run,
      String step, String note) {
    Name list = listName(run, step);
    Select<?> matching = DSL.select(BackfillSql.table(spec.fromTable()).asterisk()).from(source.table())
        .where(source.filter());
    if (spec.guard() != null) {
      sql.execute("CREATE TABLE {0} AS {1} WITH NO DATA", list, matching);
      String paced = note + "; under the latency guard one part makes the list in page-range chunks the guard paces"
          + (spec.partitions() > 1 ? " (partitions: " + spec.partitions() + " is one part)" : "");
      return PageWalk.parts(sql, spec.fromTable(), 1, BackfillSql.estimateRows(sql, source, null), run, step,
          WalkKind.MATCHES, paced).stream().map(p -> p.done() ? p : p.withState(PartState.LISTING)).toList();
    }
    sql.execute("CREATE TABLE {0} AS {1}", list, matching);
    long rows = sql.fetchCount(DSL.table(list));
    return PageWalk.parts(sql, Arrays.asList(list.getName()), spec.partitions(), rows, run, step, WalkKind.MATCHES, note);
  }

  /** Lists the source's rows in {@code pages} (of the source) that pass the filter now; returns how many. */
  static int list(DSLContext sql, BackfillSpec spec, BackfillSql.Walk source, String run, String step,
      Condition pages) {
    return sql.insertInto(DSL.table(listName(run, step)))
        .select(DSL.select(BackfillSql.table(spec.fromTable()).asterisk()).from(source.table())
            .where(source.filter().and(pages)))
        .execute();
  }

  /** A filled list's size. */
  record Size(long pages, long rows) {}

  /** The list's size, once a listing part has filled it. */
  static Size size(DSLContext sql, String run, String step) {
    Name list = listName(run, step);
    return new Size(BackfillSql.pages(sql, Arrays.asList(list.getName())), sql.fetchCount(DSL.table(list)));
  }

  /** Drops the step's match list; nothing when there is none. */
  static void remove(DSLContext sql, String runId, String stepId) {
    sql.execute("DROP TABLE IF EXISTS {0}", listName(runId, stepId));
  }
}
