package cutover.activities.steps.backfill;

import static org.jooq.impl.DSL.name;

import cutover.activities.StepAction;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * A filtered copy driven from the filter's side: when the parts are prepared, one statement
 * evaluates the plan's {@code where:} over the whole {@code from:} table (one hash or merge of
 * the filter's tables, not one per batch) and writes the matching rows' locations in a match
 * list {@code cutover.matches_<hash of run and step>} (ordinal, {@code ctid}, in storage order);
 * the batches then copy the rows at the next ordinals by TID scan ({@code ctid = ANY(ARRAY(...))}),
 * re-checking the filter per row, and the checkpoint is the last ordinal done. Parts split the
 * ordinals evenly. The list is created in the transaction that records the parts and dropped
 * when the step is recorded, compensated or rolled back ({@link #remove}), like the capture's table.
 *
 * <p>Exact only with the capture of changes ({@link Capture}): a row's {@code ctid} changes when
 * it is updated, and a listed slot may hold another row after a delete and a vacuum. Every such
 * row was written after the list, so its key is captured and replayed; a batch copies only rows
 * that are not captured and still match the filter. Without capture ({@code capture: false}, or
 * a source that cannot be captured) the walk is refused: a plan's {@code walk: matches} fails the
 * step before copying, and {@link WalkChoice} takes the page walk instead. A copy only, like the
 * page walk (an update in place moves its rows).
 */
final class MatchWalk implements BatchWalk {
  private final BackfillSql.Walk relation;
  private final Name list;

  MatchWalk(BackfillSql.Walk relation, String runId, String stepId) {
    this.relation = relation;
    this.list = listName(runId, stepId);
  }

  static Name listName(String runId, String stepId) {
    return name("cutover", "matches_" + Capture.hash(runId + "\u0000" + stepId));
  }

  /**
   * Writes the match list of the source's rows that pass the filter now, and returns the parts
   * that copy them: its ordinals split evenly; one done part when nothing matches.
   */
  static List<Checkpoints.Part> parts(DSLContext sql, BackfillSpec spec, BackfillSql.Walk source, String run,
      String step, String note) {
    Name list = listName(run, step);
    Field<Object> ctid = DSL.field(name(nameWith(spec.fromTable(), "ctid")));
    sql.execute("CREATE TABLE {0} AS {1}", list, DSL.select(
            DSL.rowNumber().over(DSL.orderBy(ctid)).cast(SQLDataType.BIGINT).as("ordinal"), ctid.as("location"))
        .from(source.table()).where(source.filter()));
    sql.execute("ALTER TABLE {0} ADD PRIMARY KEY ({1})", list, name("ordinal"));
    sql.execute("ANALYZE {0}", list);
    long matches = sql.fetchCount(DSL.table(list));
    List<Checkpoints.Part> parts = new ArrayList<>();
    if (matches == 0) {
      parts.add(new Checkpoints.Part(run, step, StepAction.APPLY, 0, 1, List.of(), null, false, null, null, 0, 0, 0L,
          PartState.DONE, WalkKind.MATCHES, note));
      return parts;
    }
    int count = (int) Math.min(spec.partitions(), matches);
    for (int i = 0; i < count; i++) {
      long first = matches * i / count + 1;
      long last = matches * (i + 1) / count;
      parts.add(new Checkpoints.Part(run, step, StepAction.APPLY, i, count, List.of(), List.of(Long.toString(first)), true,
          List.of(Long.toString(last)), null, 0, 0, last - first + 1, PartState.RUNNING, WalkKind.MATCHES, note));
    }
    return parts;
  }

  /** Drops the step's match list; nothing when there is none. */
  static void remove(DSLContext sql, String runId, String stepId) {
    sql.execute("DROP TABLE IF EXISTS {0}", listName(runId, stepId));
  }

  @Override
  public Range next(DSLContext sql, Checkpoints.Part part, int rows) {
    long first = Long.parseLong(part.resumeFrom().get(0)) + (part.resumeInclusive() ? 0 : 1);
    long last = Long.parseLong(part.upper().get(0));
    if (first > last) {
      return null;
    }
    long end = Math.min(last, first + Math.max(1, rows) - 1);
    Field<Object> ctid = DSL.field(name(nameWith(relation.relation(), "ctid")));
    var locations = DSL.select(DSL.field(list.append("location"))).from(DSL.table(list))
        .where(DSL.field(list.append("ordinal"), Long.class).between(DSL.inline(first), DSL.inline(end)));
    Condition listed = DSL.condition("{0} = ANY(ARRAY({1}))", ctid, locations);
    return new Range(listed, List.of(Long.toString(end)));
  }

  private static String[] nameWith(List<String> table, String column) {
    List<String> parts = new ArrayList<>(table);
    parts.add(column);
    return parts.toArray(String[]::new);
  }
}
