package cutover.activities.steps.backfill;

import cutover.activities.StepAction;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * Batches of physical page ranges of a table, in storage order: {@code ctid >= '(p,0)' AND ctid <
 * '(q,0)'} is a TID range scan that reads pages p to q-1 once each, whatever the key's order, with
 * the plan's filter applied to the rows of the range. The checkpoint is the last page done; the
 * part's pages (its share of the table's pages when the step started) are fixed, so rows written
 * later to pages past them are not chased, and a row updated before its page was read may move
 * to a page already read (or past the last) and be missed: exact under writes only together with
 * a replay of the changed keys. A copy only: an update in place moves rows to other pages, where
 * a later batch would update them again.
 */
final class PageWalk implements BatchWalk {
  /** A batch never spans more pages than this (~800 MB of 8 kB pages): a stretch without matches ends somewhere. */
  static final long MAX_PAGES = 100_000;
  /**
   * Before its first batch a part knows only the planner's estimate of the rows its filter passes,
   * which can be far too low (then its pages would seem nearly empty, and one batch would take
   * them all): the first batch spans at most this many times the pages its rows fill unfiltered.
   */
  static final int FIRST_BATCH_SPREAD = 16;

  private final BackfillSql.Walk relation;
  private long pagesSeen;
  private long rowsSeen;
  private long batchPages;

  PageWalk(BackfillSql.Walk relation) {
    this.relation = relation;
  }

  /** The parts of a page walk of the source table: its pages now, split evenly; one done part when it has none. */
  static List<Checkpoints.Part> parts(DSLContext sql, BackfillSpec spec, BackfillSql.Walk source, String run,
      String step, String note) {
    return parts(sql, spec.fromTable(), spec.partitions(), BackfillSql.estimateRows(sql, source, null), run, step,
        WalkKind.PAGES, note);
  }

  /** The parts of a page walk of {@code table} ({@code estimate} rows to take from it, -1 when unknown) as {@code kind}. */
  static List<Checkpoints.Part> parts(DSLContext sql, List<String> table, int partitions, long estimate, String run,
      String step, WalkKind kind, String note) {
    long pages = BackfillSql.pages(sql, table);
    List<Checkpoints.Part> parts = new ArrayList<>();
    if (pages == 0) {
      parts.add(new Checkpoints.Part(run, step, StepAction.APPLY, 0, 1, List.of(), null, false, null, null, 0, 0, 0L,
          PartState.DONE, kind, note));
      return parts;
    }
    int count = (int) Math.min(partitions, pages);
    for (int i = 0; i < count; i++) {
      long first = pages * i / count;
      long last = pages * (i + 1) / count - 1;
      parts.add(new Checkpoints.Part(run, step, StepAction.APPLY, i, count, List.of(), List.of(Long.toString(first)), true,
          List.of(Long.toString(last)), null, 0, 0, estimate < 0 ? null : Math.max(1, estimate / count),
          PartState.RUNNING, kind, note));
    }
    return parts;
  }

  @Override
  public Range next(DSLContext sql, Checkpoints.Part part, int rows) {
    long first = Long.parseLong(part.resumeFrom().get(0)) + (part.resumeInclusive() ? 0 : 1);
    long last = Long.parseLong(part.upper().get(0));
    if (first > last) {
      return null;
    }
    long end = Math.min(last, first + pagesFor(sql, part, rows) - 1);
    batchPages = end - first + 1;
    Field<Object> ctid = DSL.field(DSL.name(nameWith(relation.relation(), "ctid")));
    Condition pages = ctid.ge(tid(first)).and(ctid.lt(tid(end + 1)));
    return new Range(pages, List.of(Long.toString(end)));
  }

  @Override
  public void observe(Range range, long rows) {
    rowsSeen += rows;
    pagesSeen += batchPages;
  }

  /**
   * Pages that hold about {@code rows} matching rows: by what the batches so far found, else by
   * the part's estimate (at least 1/{@link #FIRST_BATCH_SPREAD} of the rows an unfiltered page holds).
   * At most twice the last batch's pages: a stretch without matches is crossed in growing steps.
   */
  private long pagesFor(DSLContext sql, Checkpoints.Part part, int rows) {
    double perPage;
    if (pagesSeen > 0) {
      perPage = Math.max(rowsSeen, 1) / (double) pagesSeen;
    } else {
      long partPages = Long.parseLong(part.upper().get(0)) - Long.parseLong(part.lower().get(0)) + 1;
      perPage = part.estimatedRows() == null ? 50 : Math.max(1, part.estimatedRows()) / (double) partPages;
      long pages = BackfillSql.pages(sql, relation.relation());
      if (pages > 0) { // the planner's count of all the relation's rows, over its pages
        double unfiltered = Math.max(1, BackfillSql.estimate(sql, DSL.selectOne().from(relation.table()))) / (double) pages;
        perPage = Math.max(perPage, unfiltered / FIRST_BATCH_SPREAD);
      }
    }
    long pages = Math.max(1, Math.min(MAX_PAGES, Math.round(rows / Math.max(perPage, 1e-3))));
    return batchPages > 0 ? Math.min(pages, batchPages * 2) : pages;
  }

  private static String[] nameWith(List<String> table, String column) {
    List<String> parts = new ArrayList<>(table);
    parts.add(column);
    return parts.toArray(String[]::new);
  }

  private static Field<Object> tid(long page) {
    return DSL.field("{0}::tid", Object.class, DSL.inline("(" + page + ",0)"));
  }
}
