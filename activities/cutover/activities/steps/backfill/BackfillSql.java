package cutover.activities.steps.backfill;

import static org.jooq.impl.DSL.name;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.Select;
import org.jooq.SelectLimitPercentStep;
import org.jooq.Table;
import org.jooq.impl.CustomField;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The SQL of a backfill, built with jOOQ: identifiers (tables, columns, keys) are quoted by jOOQ,
 * the plan's expressions and filter run as written, and key values travel as text literals cast
 * to the key columns' own types. Every query walks a {@link Walk}: a relation in key order,
 * batch by batch, after a key and never by OFFSET.
 */
final class BackfillSql {
  /** Names a batch's keys inside the bound query; chosen not to collide with plan columns. */
  private static final String BATCH = "cutover_batch";
  /** Type names as PostgreSQL prints them ({@code pg_typeof(x)::text}), quoted where needed. */
  static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z0-9_ .\"\\[\\](),]+");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Key types with a built-in {@code max} aggregate (as {@code pg_typeof} prints them). */
  private static final java.util.Set<String> HAS_MAX = java.util.Set.of("smallint", "integer", "bigint", "numeric",
      "real", "double precision", "text", "character varying", "character", "date", "timestamp without time zone",
      "timestamp with time zone", "time without time zone", "time with time zone", "interval", "money", "oid",
      "inet", "pg_lsn", "xid8");

  private BackfillSql() {}

  /**
   * A relation walked in key order.
   *
   * @param key the key columns, unqualified (the relation is alone in its FROM)
   * @param filter rows taken from it
   * @param types the key columns' types, null until known
   */
  record Walk(Table<?> table, List<String> relation, List<String> key, Condition filter, List<String> types) {
    Walk withTypes(List<String> keyTypes) {
      return new Walk(table, relation, key, filter, keyTypes);
    }

    List<Field<Object>> keyFields() {
      return key.stream().map(k -> DSL.field(name(k))).toList();
    }

    /** Keys after {@code after} (exclusive; everything when null) and up to {@code upTo} (inclusive). */
    Condition range(List<String> after, List<String> upTo) {
      return range(after, false, upTo);
    }

    /** Keys from {@code from} (inclusive or not; everything when null) up to {@code upTo} (inclusive; all when null). */
    Condition range(List<String> from, boolean inclusive, List<String> upTo) {
      Condition range = DSL.noCondition();
      if (from != null) {
        range = range.and(compare(keyFields(), literals(from), inclusive ? Compare.AT_LEAST : Compare.AFTER));
      }
      if (upTo != null) {
        range = range.and(compare(keyFields(), literals(upTo), Compare.AT_MOST));
      }
      return range;
    }

    List<Field<Object>> literals(List<String> values) {
      if (types == null || types.size() != values.size() || values.size() != key.size()) {
        throw new IllegalStateException("a key of " + key.size() + " column(s) needs as many values and types");
      }
      List<Field<Object>> fields = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        fields.add(literal(values.get(i), types.get(i)));
      }
      return fields;
    }
  }

  /** The source of a backfill: the table (unaliased, so a filter may name it) or {@code (query) AS source}. */
  static Walk source(BackfillSpec spec) {
    Table<?> table = spec.from() != null
        ? table(spec.fromTable())
        : DSL.table(DSL.raw("(" + spec.query() + "\n)")).as(name("source"));
    Condition filter = spec.where() == null ? DSL.noCondition() : DSL.condition(DSL.raw("(" + spec.where() + "\n)"));
    return new Walk(table, spec.fromTable(), spec.key(), filter, null);
  }

  /** The target of a copy, walked by the columns the key was copied into: what a compensation removes. */
  static Walk copied(BackfillSpec spec) {
    List<String> copiedKey = spec.copiedKey();
    if (copiedKey == null) {
      throw new IllegalStateException("the key is not copied as-is");
    }
    return new Walk(table(spec.intoTable()), spec.intoTable(), copiedKey, DSL.noCondition(), null);
  }

  static Table<?> table(List<String> parts) {
    return DSL.table(name(parts.toArray(String[]::new)));
  }

  /** A plan expression, as written (parenthesised; the newline ends a trailing {@code --} comment). */
  static Field<Object> expression(String sql) {
    return DSL.field(DSL.raw("(" + sql + "\n)"));
  }

  /** {@code 'text'::type}; the text is escaped by jOOQ, the type is one PostgreSQL printed. */
  static Field<Object> literal(String text, String type) {
    if (!TYPE_NAME.matcher(type).matches()) {
      throw new IllegalArgumentException("key type '" + type + "' cannot be written back as a cast");
    }
    Field<String> inline = DSL.inline(text);
    return CustomField.of(name("cutover_key"), SQLDataType.OTHER, ctx -> ctx.visit(inline).sql("::").sql(type));
  }

  private enum Compare { AFTER, AT_LEAST, AT_MOST }

  private static Condition compare(List<Field<Object>> fields, List<Field<Object>> values, Compare how) {
    if (fields.size() == 1) {
      Field<Object> f = fields.get(0);
      Field<Object> v = values.get(0);
      return switch (how) {
        case AFTER -> f.gt(v);
        case AT_LEAST -> f.ge(v);
        case AT_MOST -> f.le(v);
      };
    }
    return switch (how) {
      case AFTER -> DSL.row(fields).gt(DSL.row(values));
      case AT_LEAST -> DSL.row(fields).ge(DSL.row(values));
      case AT_MOST -> DSL.row(fields).le(DSL.row(values));
    };
  }

  private static List<Field<String>> asText(List<Field<Object>> fields) {
    return fields.stream().map(f -> f.cast(SQLDataType.CLOB)).toList();
  }

  /** The walk's last key and the key's types, or null when no row matches. */
  static KeyAndTypes lastKey(DSLContext sql, Walk walk, List<String> upTo) {
    return endKey(sql, walk, upTo, true);
  }

  /** The walk's first key (and the key's types), or null when no row matches. */
  static KeyAndTypes firstKey(DSLContext sql, Walk walk) {
    return endKey(sql, walk, null, false);
  }

  private static KeyAndTypes endKey(DSLContext sql, Walk walk, List<String> upTo, boolean last) {
    List<Field<Object>> key = walk.keyFields();
    List<Field<?>> select = new ArrayList<>();
    for (int i = 0; i < key.size(); i++) {
      select.add(key.get(i).cast(SQLDataType.CLOB).as("cutover_v" + i));
      select.add(DSL.function(name("pg_typeof"), Object.class, key.get(i)).cast(SQLDataType.CLOB).as("cutover_t" + i));
    }
    Condition where = walk.filter();
    if (upTo != null) {
      where = where.and(walk.range(null, upTo));
    }
    Record row = sql.select(select).from(walk.table()).where(where)
        .orderBy(key.stream().map(f -> last ? f.desc() : f.asc()).toList())
        .limit(1)
        .fetchOne();
    if (row == null) {
      return null;
    }
    List<String> values = new ArrayList<>();
    List<String> types = new ArrayList<>();
    for (int i = 0; i < key.size(); i++) {
      values.add(row.get(2 * i, String.class));
      types.add(row.get(2 * i + 1, String.class));
    }
    return new KeyAndTypes(values, types);
  }

  record KeyAndTypes(List<String> key, List<String> types) {}

  /** The first key column with a NULL among the walk's rows, or null: rows with a NULL key cannot be walked. */
  static String nullKeyColumn(DSLContext sql, Walk walk) {
    for (Field<Object> field : walk.keyFields()) {
      if (sql.fetchExists(DSL.selectOne().from(walk.table()).where(walk.filter().and(field.isNull())))) {
        return field.getName();
      }
    }
    return null;
  }

  /** The planner's estimate of the rows of a query, from {@code EXPLAIN}: cheap, never a count. */
  static long estimate(DSLContext sql, Select<?> query) {
    String plan = sql.fetchValue(DSL.raw("EXPLAIN (FORMAT JSON) " + sql.renderInlined(query))).toString();
    try {
      JsonNode root = JSON.readTree(plan);
      return root.get(0).get("Plan").get("Plan Rows").asLong();
    } catch (Exception e) {
      return -1;
    }
  }

  static long estimateRows(DSLContext sql, Walk walk, List<String> upTo) {
    return estimate(sql, DSL.selectOne().from(walk.table()).where(walk.filter().and(walk.range(null, upTo))));
  }

  /**
   * Keys that split the walk's rows up to {@code upTo} into {@code parts} parts of about equal
   * size, from a sample ({@link #sampleKeys}).
   */
  static List<List<String>> splitKeys(DSLContext sql, Walk walk, boolean sampledByPage, List<String> upTo, int parts) {
    if (parts <= 1) {
      return List.of();
    }
    List<List<String>> sample = sampleKeys(sql, walk, sampledByPage, null, false, upTo, 2_000 * parts).keys();
    List<List<String>> splits = new ArrayList<>();
    for (int p = 1; p < parts && !sample.isEmpty(); p++) {
      List<String> split = sample.get((int) ((long) p * sample.size() / parts));
      if (!splits.contains(split) && !split.equals(upTo)) {
        splits.add(split);
      }
    }
    return splits;
  }

  /**
   * A sample of the walk's keys in a range, in key order; each stands for {@code rowsPerKey} rows.
   * Complete when it holds every sampled key of the range (it is cut at five times the wanted
   * size when the planner's estimate of the range was far too low).
   */
  record Sample(List<List<String>> keys, double rowsPerKey, boolean complete) {}

  /**
   * About {@code wanted} keys of the walk's rows from {@code from} up to {@code upTo}: {@code
   * TABLESAMPLE SYSTEM} of a table (whole pages, cheap), a random filter of a view or a query
   * (TABLESAMPLE applies to tables and materialized views only).
   */
  static Sample sampleKeys(DSLContext sql, Walk walk, boolean sampledByPage, List<String> from, boolean inclusive,
      List<String> upTo, int wanted) {
    Condition where = walk.filter().and(walk.range(from, inclusive, upTo));
    long rows = estimate(sql, DSL.selectOne().from(walk.table()).where(where));
    double share = rows <= 0 ? 1.0 : Math.min(1.0, wanted / (double) rows);
    Table<?> table = walk.table();
    if (share < 1.0 && sampledByPage) {
      table = DSL.table("{0} TABLESAMPLE SYSTEM ({1})", walk.table(), DSL.inline(Math.max(0.0001, share * 100)));
    } else if (share < 1.0) {
      where = where.and(DSL.rand().lt(DSL.inline(java.math.BigDecimal.valueOf(share))));
    }
    List<Field<Object>> key = walk.keyFields();
    List<Field<?>> select = new ArrayList<>();
    for (int i = 0; i < key.size(); i++) {
      select.add(key.get(i).cast(SQLDataType.CLOB).as("cutover_v" + i));
    }
    int cap = wanted * 5;
    Result<Record> sample = sql.select(select).from(table).where(where).orderBy(key).limit(cap).fetch();
    List<List<String>> keys = new ArrayList<>(sample.size());
    for (Record row : sample) {
      List<String> values = new ArrayList<>(key.size());
      for (int i = 0; i < key.size(); i++) {
        values.add(row.get(i, String.class));
      }
      keys.add(values);
    }
    return new Sample(keys, 1.0 / share, sample.size() < cap);
  }

  /** A relation's kind as {@code pg_class.relkind} has it ({@code r} table, {@code v} view, ...), or null when it is none. */
  static String relationKind(DSLContext sql, List<String> relation) {
    return sql.select(DSL.field(name("relkind")).cast(SQLDataType.VARCHAR))
        .from(DSL.table(name("pg_catalog", "pg_class")))
        .where(DSL.field(name("oid")).eq(regclass(sql, relation)))
        .fetchOne(0, String.class);
  }

  /** The pages of a table's main fork now. */
  static long pages(DSLContext sql, List<String> relation) {
    Long pages = sql.select(DSL.field("pg_catalog.pg_relation_size({0}) / current_setting('block_size')::bigint",
        Long.class, regclass(sql, relation))).fetchOne(0, Long.class);
    return pages == null ? 0 : pages;
  }

  /**
   * How closely the table's key order follows its storage order: the correlation of page number
   * and key rank over a sample of ~5,000 rows (every row of a smaller table); 1 when fewer than
   * two rows. Near 1 (or -1) an index scan in key order reads the pages in order.
   */
  static double keyCorrelation(DSLContext sql, Walk walk) {
    long rows = estimate(sql, DSL.selectOne().from(walk.table()));
    double share = rows <= 0 ? 1.0 : Math.min(1.0, 5_000.0 / rows);
    Table<?> table = share < 1.0
        ? DSL.table("{0} TABLESAMPLE SYSTEM ({1})", walk.table(), DSL.inline(Math.max(0.0001, share * 100)))
        : walk.table();
    Field<Double> page = DSL.field("({0}::text::point)[0]", Double.class, DSL.field(name("ctid")));
    Field<Integer> rank = DSL.rowNumber().over(DSL.orderBy(walk.keyFields()));
    Table<?> ranked = DSL.select(page.as("cutover_page"), rank.as("cutover_rank")).from(table).asTable("cutover_ranked");
    Double correlation = sql.select(DSL.field("corr({0}, {1})", Double.class,
        DSL.field(name("cutover_ranked", "cutover_page")), DSL.field(name("cutover_ranked", "cutover_rank"))))
        .from(ranked).fetchOne(0, Double.class);
    return correlation == null ? 1.0 : correlation;
  }

  private static Field<Object> regclass(DSLContext sql, List<String> relation) {
    return DSL.function(name("to_regclass"), Object.class, DSL.inline(sql.render(table(relation))));
  }

  /**
   * Where the next batch ends: the key of the {@code size}-th row after {@code after}, or the
   * last row before {@code upTo} when fewer are left; null when none is left. A {@code max}
   * over the batch's keys when they are one column or share one type, else the last of them in
   * descending order.
   */
  static List<String> batchEnd(DSLContext sql, Walk walk, List<String> from, boolean inclusive, List<String> upTo,
      int size) {
    List<Field<Object>> key = walk.keyFields();
    Table<?> batch = DSL.select(key).from(walk.table()).where(walk.filter().and(walk.range(from, inclusive, upTo)))
        .orderBy(key).limit(size).asTable(BATCH);
    List<Field<Object>> inBatch = walk.key().stream().map(k -> DSL.field(name(BATCH, k))).toList();
    if (key.size() == 1 && HAS_MAX.contains(walk.types().get(0))) {
      String last = sql.select(DSL.max(inBatch.get(0)).cast(SQLDataType.CLOB)).from(batch).fetchOne(0, String.class);
      return last == null ? null : List.of(last);
    }
    if (walk.types().stream().distinct().count() == 1) {
      // arrays of any orderable type compare element by element, like the key's row comparison
      Field<String[]> max = DSL.field("{0}::text[]", String[].class, DSL.max(DSL.array(inBatch.toArray(Field[]::new))));
      String[] last = sql.select(max).from(batch).fetchOne(0, String[].class);
      return last == null ? null : Arrays.asList(last);
    }
    SelectLimitPercentStep<Record> query = sql.select(asText(inBatch)).from(batch)
        .orderBy(inBatch.stream().map(Field::desc).toList()).limit(1);
    Record row = query.fetchOne();
    if (row == null) {
      return null;
    }
    List<String> last = new ArrayList<>();
    for (int i = 0; i < key.size(); i++) {
      last.add(row.get(i, String.class));
    }
    return last;
  }

  /** Integer types whose values can bound a batch by arithmetic. */
  static final java.util.Set<String> INTEGERS = java.util.Set.of("smallint", "integer", "bigint");

  /**
   * Whether the walk's key is one integer column of a table with a unique index on exactly that
   * column: then {@code (a, a + n]} holds at most n rows, and a batch needs no bound query.
   */
  static boolean uniqueIntegerKey(DSLContext sql, Walk walk) {
    if (walk.relation() == null || walk.key().size() != 1 || walk.types() == null
        || !INTEGERS.contains(walk.types().get(0))) {
      return false;
    }
    Field<Object> relation = DSL.function(name("to_regclass"), Object.class,
        DSL.inline(sql.render(table(walk.relation()))));
    return sql.fetchExists(DSL.selectOne()
        .from(DSL.table(name("pg_catalog", "pg_index")).as("i"))
        .join(DSL.table(name("pg_catalog", "pg_attribute")).as("a"))
        .on(DSL.field(name("a", "attrelid")).eq(DSL.field(name("i", "indrelid")))
            .and(DSL.field(name("a", "attnum")).eq(DSL.field("{0}[0]", Object.class, DSL.field(name("i", "indkey"))))))
        .where(DSL.field(name("i", "indrelid")).eq(relation),
            DSL.field(name("i", "indisunique"), Boolean.class).isTrue(),
            DSL.field(name("i", "indnkeyatts")).eq(DSL.inline(1)),
            DSL.field(name("i", "indpred")).isNull(),
            DSL.field(name("a", "attname"), String.class).eq(DSL.inline(walk.key().get(0)))));
  }

  /** Copies the source rows in the range into the target; returns the rows written. */
  static int copy(DSLContext sql, BackfillSpec spec, Walk source, Condition range) {
    List<Field<Object>> values = spec.columns().values().stream().map(BackfillSql::expression).toList();
    return insert(sql, spec, DSL.select(values).from(source.table()).where(source.filter().and(range)));
  }

  /** Inserts the rows of {@code select} (one value per copied column, in order) into the target, as onConflict: says. */
  static int insert(DSLContext sql, BackfillSpec spec, Select<? extends Record> select) {
    Table<?> into = table(spec.intoTable());
    List<Field<Object>> columns = spec.columns().keySet().stream().map(c -> DSL.field(name(c))).toList();
    var insert = sql.insertInto(into).columns(columns).select(select);
    return switch (spec.onConflict()) {
      case NOTHING -> insert.onConflictDoNothing().execute();
      case UPDATE -> {
        List<Field<Object>> conflict = spec.conflictColumns().stream().map(c -> DSL.field(name(c))).toList();
        Map<Field<Object>, Field<Object>> set = new LinkedHashMap<>();
        for (Field<Object> column : columns) {
          if (!spec.conflictColumns().contains(column.getName())) {
            set.put(column, DSL.excluded(column));
          }
        }
        yield set.isEmpty()
            ? insert.onConflict(conflict).doNothing().execute()
            : insert.onConflict(conflict).doUpdate().set(set).execute();
      }
      default -> insert.execute();
    };
  }

  /** Updates the source rows in the range in place; returns the rows updated. */
  static int update(DSLContext sql, BackfillSpec spec, Walk source, Condition range) {
    Map<Field<Object>, Field<Object>> set = new LinkedHashMap<>();
    spec.set().forEach((column, value) -> set.put(DSL.field(name(column)), expression(value)));
    return sql.update(table(spec.fromTable())).set(set).where(source.filter().and(range)).execute();
  }

  /** Removes the target rows in the range (a compensation of a copy); returns the rows removed. */
  static int remove(DSLContext sql, Walk copied, Condition range) {
    return sql.deleteFrom(copied.table()).where(range).execute();
  }
}
