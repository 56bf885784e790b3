package cutover.activities.steps.check;

import static cutover.db.Tables.CHECK_FIX;
import static cutover.db.Tables.CHECK_FIX_ROW;
import static cutover.db.Tables.CHECK_FIX_TABLE;

import cutover.activities.steps.StepContext;
import cutover.activities.steps.StepOutcome;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.QueryPart;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * What a check's fix changed, kept in {@code cutover.check_fix*} in the transaction of the fix
 * and its ledger row, and put back by the step's compensation in one transaction.
 *
 * <p>Before the fix, the rows each {@code saves:} table's condition chooses (or every row) are
 * copied as JSON ({@code to_jsonb}); after it, the keys of rows the condition chooses now and did
 * not before (rows the fix added) are noted. A rollback writes the kept rows back over the rows
 * with their key ({@code UPDATE}), inserts the kept rows whose key is gone (rows the fix deleted),
 * with their identity values, table by table in the plan's order, then deletes the rows the fix
 * added, by key, last table first. Generated columns are computed again. Rows
 * are matched by primary key, so every saved table needs one.
 */
final class FixSaves {
  private final StepContext context;
  private final DSLContext sql;

  FixSaves(StepContext context) {
    this.context = context;
    this.sql = context.sql();
  }

  /** One table of {@code saves:} as it was saved. */
  record SavedTable(int position, String table, String filter, List<String> key, long saved, long added) {}

  /** Records the fix and copies the rows it may change, before it runs. */
  List<SavedTable> before(CheckSpec spec) {
    sql.insertInto(CHECK_FIX).set(CHECK_FIX.RUN_ID, context.runId()).set(CHECK_FIX.STEP_ID, context.step().id())
        .set(CHECK_FIX.ROWS_CHANGED, 0L).execute();
    List<SavedTable> tables = new ArrayList<>();
    int position = 0;
    for (Map.Entry<String, String> entry : spec.saves().entrySet()) {
      String table = entry.getKey();
      String filter = CheckSpec.ALL_ROWS.equals(entry.getValue().strip()) ? null : entry.getValue();
      List<String> key = primaryKey(table);
      sql.insertInto(CHECK_FIX_TABLE)
          .set(CHECK_FIX_TABLE.RUN_ID, context.runId())
          .set(CHECK_FIX_TABLE.STEP_ID, context.step().id())
          .set(CHECK_FIX_TABLE.POSITION, position)
          .set(CHECK_FIX_TABLE.TABLE_NAME, table)
          .set(CHECK_FIX_TABLE.ROW_FILTER, filter)
          .set(CHECK_FIX_TABLE.KEY_COLUMNS, String.join(",", key))
          .set(CHECK_FIX_TABLE.ROWS_SAVED, 0L)
          .set(CHECK_FIX_TABLE.ROWS_ADDED, 0L)
          .execute();
      long saved = sql.insertInto(CHECK_FIX_ROW, CHECK_FIX_ROW.RUN_ID, CHECK_FIX_ROW.STEP_ID, CHECK_FIX_ROW.POSITION,
              CHECK_FIX_ROW.ROW_NUMBER, CHECK_FIX_ROW.ADDED, CHECK_FIX_ROW.SAVED)
          .select(DSL.select(DSL.inline(context.runId()), DSL.inline(context.step().id()), DSL.inline(position),
                  DSL.rowNumber().over().cast(Long.class), DSL.inline(false),
                  DSL.field("to_jsonb(s)::text", String.class))
              .from(DSL.table(live(table)).as("s")).where(chosen(filter)))
          .execute();
      tables.add(new SavedTable(position++, table, filter, key, saved, 0));
    }
    return tables;
  }

  /** After the fix: what it changed, and the keys of the rows it added to each saved table. */
  void after(List<SavedTable> tables, long changed) {
    sql.update(CHECK_FIX).set(CHECK_FIX.ROWS_CHANGED, changed)
        .where(CHECK_FIX.RUN_ID.eq(context.runId()), CHECK_FIX.STEP_ID.eq(context.step().id())).execute();
    for (SavedTable table : tables) {
      Name keys = DSL.name("saved_keys");
      List<QueryPart> keyPairs = new ArrayList<>();
      List<QueryPart> keyValues = new ArrayList<>();
      Condition sameKey = DSL.noCondition();
      for (String column : table.key()) {
        keyPairs.add(DSL.sql("{0}, {1}", DSL.inline(column), DSL.field(DSL.name("s", column))));
        keyValues.add(DSL.field(DSL.name("x", column)));
        sameKey = sameKey.and(DSL.field(DSL.name("k", column)).eq(DSL.field(DSL.name("s", column))));
      }
      long added = sql.execute("WITH {0} AS MATERIALIZED (SELECT {1} FROM {2}) "
              + "INSERT INTO {3} ({4}) SELECT {5}, {6}, {7}, {8} + row_number() OVER (), true, "
              + "jsonb_build_object({9})::text FROM {10} AS s WHERE {11} AND NOT EXISTS (SELECT 1 FROM {0} AS k WHERE {12})",
          keys, DSL.list(keyValues), savedRows(table.position(), false, table.table()),
          CHECK_FIX_ROW, DSL.list(Stream.of(CHECK_FIX_ROW.RUN_ID, CHECK_FIX_ROW.STEP_ID, CHECK_FIX_ROW.POSITION,
              CHECK_FIX_ROW.ROW_NUMBER, CHECK_FIX_ROW.ADDED, CHECK_FIX_ROW.SAVED).map(Field::getUnqualifiedName).toList()),
          DSL.inline(context.runId()), DSL.inline(context.step().id()), DSL.inline(table.position()),
          DSL.inline(table.saved()), DSL.list(keyPairs), live(table.table()), chosen(table.filter()), sameKey);
      sql.update(CHECK_FIX_TABLE).set(CHECK_FIX_TABLE.ROWS_SAVED, table.saved()).set(CHECK_FIX_TABLE.ROWS_ADDED, added)
          .where(CHECK_FIX_TABLE.RUN_ID.eq(context.runId()), CHECK_FIX_TABLE.STEP_ID.eq(context.step().id()),
              CHECK_FIX_TABLE.POSITION.eq(table.position()))
          .execute();
    }
  }

  /** Whether the fix ran in this run (it is recorded with what it saved). */
  Optional<Long> fixed() {
    return sql.select(CHECK_FIX.ROWS_CHANGED).from(CHECK_FIX)
        .where(CHECK_FIX.RUN_ID.eq(context.runId()), CHECK_FIX.STEP_ID.eq(context.step().id()))
        .fetchOptional(CHECK_FIX.ROWS_CHANGED);
  }

  /** Puts every saved table back as it was before the fix; the saved rows are then dropped. */
  StepOutcome restore() {
    List<SavedTable> tables = sql.selectFrom(CHECK_FIX_TABLE)
        .where(CHECK_FIX_TABLE.RUN_ID.eq(context.runId()), CHECK_FIX_TABLE.STEP_ID.eq(context.step().id()))
        .orderBy(CHECK_FIX_TABLE.POSITION)
        .fetch(r -> new SavedTable(r.getPosition(), r.getTableName(), r.getRowFilter(),
            List.of(r.getKeyColumns().split(",")), r.getRowsSaved(), r.getRowsAdded()));
    List<String> words = new ArrayList<>();
    long total = 0;
    // kept rows go back in the plan's order (referenced tables first), then the rows the fix added are
    // deleted, last table first: by then nothing put back references them
    for (SavedTable table : tables) {
      List<QueryPart> updates = new ArrayList<>();
      List<Name> inserted = new ArrayList<>();
      for (Column column : columns(table.table())) {
        if (!column.generated()) {
          inserted.add(DSL.name(column.name()));
          if (!table.key().contains(column.name()) && !column.alwaysIdentity()) {
            updates.add(DSL.sql("{0} = {1}", DSL.name(column.name()), DSL.field(DSL.name("x", column.name()))));
          }
        }
      }
      long updated = updates.isEmpty() ? 0 : sql.execute("UPDATE {0} AS t SET {1} FROM {2} WHERE {3}",
          live(table.table()), DSL.list(updates), savedRows(table.position(), false, table.table()),
          sameKey("t", "x", table.key()));
      long reinserted = sql.execute("INSERT INTO {0} ({1}) OVERRIDING SYSTEM VALUE SELECT {2} FROM {3} WHERE NOT EXISTS "
              + "(SELECT 1 FROM {0} AS t WHERE {4})", live(table.table()), DSL.list(inserted),
          DSL.list(inserted.stream().map(n -> DSL.field(DSL.name(DSL.name("x"), n))).toList()),
          savedRows(table.position(), false, table.table()), sameKey("t", "x", table.key()));
      total += updated + reinserted;
      words.add(table.table() + " (" + updated + " written back, " + reinserted + " re-inserted");
    }
    for (int i = tables.size() - 1; i >= 0; i--) {
      SavedTable table = tables.get(i);
      long deleted = table.added() == 0 ? 0 : sql.execute("DELETE FROM {0} AS t USING {1} WHERE {2}",
          live(table.table()), savedRows(table.position(), true, table.table()), sameKey("t", "x", table.key()));
      total += deleted;
      words.set(i, words.get(i) + ", " + deleted + " added by the fix deleted)");
    }
    sql.deleteFrom(CHECK_FIX_ROW)
        .where(CHECK_FIX_ROW.RUN_ID.eq(context.runId()), CHECK_FIX_ROW.STEP_ID.eq(context.step().id())).execute();
    return new StepOutcome("put back what the fix changed: " + String.join(", ", words), total);
  }

  /** The saved rows (or the keys of added rows) of one table, typed as the table's rows, as {@code x}. */
  private QueryPart savedRows(int position, boolean added, String table) {
    return DSL.sql("(SELECT x.* FROM {0} AS f CROSS JOIN LATERAL jsonb_populate_record(NULL::{1}, f.{2}::jsonb) AS x"
            + " WHERE f.{3} = {4} AND f.{5} = {6} AND f.{7} = {8} AND f.{9} = {10}) AS x",
        CHECK_FIX_ROW, live(table), CHECK_FIX_ROW.SAVED.getUnqualifiedName(),
        CHECK_FIX_ROW.RUN_ID.getUnqualifiedName(), DSL.inline(context.runId()),
        CHECK_FIX_ROW.STEP_ID.getUnqualifiedName(), DSL.inline(context.step().id()),
        CHECK_FIX_ROW.POSITION.getUnqualifiedName(), DSL.inline(position),
        CHECK_FIX_ROW.ADDED.getUnqualifiedName(), DSL.inline(added));
  }

  private static Condition sameKey(String left, String right, List<String> key) {
    Condition same = DSL.noCondition();
    for (String column : key) {
      same = same.and(DSL.field(DSL.name(left, column)).eq(DSL.field(DSL.name(right, column))));
    }
    return same;
  }

  /** The plan's condition on the table's rows, as written; every row when null. */
  private static Condition chosen(String filter) {
    return filter == null ? DSL.trueCondition() : DSL.condition(DSL.raw("(" + filter + "\n)"));
  }

  private List<String> primaryKey(String table) {
    List<String> key = sql.fetch("SELECT a.attname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a"
            + " ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid = {0}::regclass"
            + " AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)",
        DSL.inline(sql.render(live(table)))).getValues(0, String.class);
    if (key.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("step '" + context.step().id() + "' did not run its fix: saves: "
          + "table " + table + " has no primary key, and the saved rows are put back by key; give it one, or save a "
          + "table that has one", "StepFailed");
    }
    return key;
  }

  private record Column(String name, boolean generated, boolean alwaysIdentity) {}

  private List<Column> columns(String table) {
    List<Column> columns = new ArrayList<>();
    for (Record r : sql.fetch("SELECT attname, attgenerated <> '', attidentity = 'a' FROM pg_catalog.pg_attribute"
        + " WHERE attrelid = {0}::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        DSL.inline(sql.render(live(table))))) {
      columns.add(new Column(r.get(0, String.class), r.get(1, Boolean.class), r.get(2, Boolean.class)));
    }
    return columns;
  }

  private static Name live(String table) {
    return DSL.name(table.split("\\."));
  }
}
