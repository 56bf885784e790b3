package cutover.activities.steps.backfill;

import io.temporal.failure.ApplicationFailure;
import java.util.Locale;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Which walk a backfill's apply takes, and why (the why goes into the step's outcome), chosen
 * when its parts are prepared and kept in their checkpoints: a retried part walks as it began.
 *
 * <ul>
 *   <li>an update in place walks by key: an updated row may move to a later page (a new tuple
 *       version wherever there is room), where a page walk would update it again, and {@code
 *       set:} expressions such as {@code n + 1} are not idempotent
 *   <li>a table whose key order follows its storage order (correlation of page and key rank at
 *       least {@value #CORRELATED}) and no filter, or one that passes more than {@value #SELECTIVE}
 *       of the rows: by key, reading pages in order anyway
 *   <li>another table, or any table with a filter: page ranges, each page read once, the filter
 *       applied inside the range (a key walk reads rows from random pages, and with a selective
 *       filter its bound query walks the key index through every non-matching row)
 *   <li>a table with a filter that the planner expects to pass at most {@value #SELECTIVE} of its
 *       rows, its changes captured: the matching rows listed once by one statement (under a latency
 *       guard, which can pace batches but not one statement, by one part in page-range chunks the
 *       guard paces), then copied from the list by page range ({@link MatchWalk}); a page walk
 *       evaluates the filter per batch (with an {@code EXISTS} over another table, a hash of that
 *       whole table each batch)
 *   <li>a view, a query or a partitioned table (no pages of its own): key ranges from a sample
 * </ul>
 */
record WalkChoice(WalkKind kind, String note) {
  static final double CORRELATED = 0.9;
  /** The largest share of a table's rows a filter may pass, by the planner's estimate, for a copy from its matches. */
  static final double SELECTIVE = 0.5;
  /** Relation kinds with pages of their own: ordinary tables and materialized views. */
  private static final Set<String> PAGED = Set.of("r", "m");
  /** Relation kinds TABLESAMPLE accepts. */
  static final Set<String> SAMPLED_BY_PAGE = Set.of("r", "m", "p");

  /** {@code captured}: whether the step's changes are captured (the trigger is installed in this transaction). */
  static WalkChoice choose(DSLContext sql, String stepId, BackfillSpec spec, BackfillSql.Walk source, boolean captured) {
    String relkind = spec.from() == null ? null : BackfillSql.relationKind(sql, spec.fromTable());
    boolean paged = relkind != null && PAGED.contains(relkind);
    if (spec.walk() != null) {
      if (spec.walk() == WalkKind.PAGES && !paged) {
        throw ApplicationFailure.newNonRetryableFailure("step '" + stepId + "': walk: pages needs a table with pages"
            + " of its own, and " + spec.sourceName() + " is " + describe(relkind)
            + "; use walk: ranges, or leave walk: out to choose", "StepFailed");
      }
      if (spec.walk() == WalkKind.MATCHES && (!paged || !captured)) {
        throw ApplicationFailure.newNonRetryableFailure("step '" + stepId + "': walk: matches needs a table with pages"
            + " of its own whose changes are captured (a listed row's location changes when it is updated), and "
            + spec.sourceName() + (paged ? "'s changes are not captured" : " is " + describe(relkind))
            + "; use walk: pages or ranges, or leave walk: out to choose", "StepFailed");
      }
      return new WalkChoice(spec.walk(), "as the plan's walk: says");
    }
    if (spec.inPlace()) {
      return new WalkChoice(WalkKind.KEY, "an update in place walks by key: an updated row may move to a later page");
    }
    if (!paged) {
      return new WalkChoice(WalkKind.RANGES, (relkind == null ? "a query:" : spec.sourceName() + ", " + describe(relkind)
          + ",") + " has no pages of its own: key ranges" + (source.key().size() == 1 ? "" : " from a sample"));
    }
    Double share = spec.where() == null ? null : filterShare(sql, source);
    String passes = share == null ? null
        : String.format(Locale.ROOT, "the filter passes ~%.1f%% of the rows (planner's estimate)", 100 * share);
    if (captured && share != null && share <= SELECTIVE) {
      return new WalkChoice(WalkKind.MATCHES, passes + ": evaluated once into a list of the matching rows, which"
          + " batches copy by page range, instead of once per batch");
    }
    double correlation = BackfillSql.keyCorrelation(sql, source);
    String measured = String.format(Locale.ROOT, "correlation of key and storage order %.2f", correlation);
    // a filter that passes most rows costs the key walk little: its batches read pages in order all the same
    boolean mostRows = spec.where() == null || (share != null && share > SELECTIVE);
    if (mostRows && Math.abs(correlation) >= CORRELATED) {
      return new WalkChoice(WalkKind.KEY, "key order follows storage order (" + measured + ")"
          + (passes == null ? "" : "; " + passes));
    }
    return new WalkChoice(WalkKind.PAGES, spec.where() != null
        ? "a filter is applied inside page ranges, each page read once (" + measured + ")"
        : "key order does not follow storage order (" + measured + "): page ranges, each page read once");
  }

  /** The share of the table's rows the filter passes, by the planner's estimate; null when it has none. */
  private static Double filterShare(DSLContext sql, BackfillSql.Walk source) {
    long all = BackfillSql.estimate(sql, DSL.selectOne().from(source.table()));
    long matching = BackfillSql.estimateRows(sql, source, null);
    return all > 0 && matching >= 0 ? (double) matching / all : null;
  }

  private static String describe(String relkind) {
    if (relkind == null) {
      return "a query";
    }
    return switch (relkind) {
      case "v" -> "a view";
      case "p" -> "a partitioned table";
      case "f" -> "a foreign table";
      default -> "a relation of kind " + relkind;
    };
  }
}
