package cutover.activities.steps.backfill;

import static org.jooq.impl.DSL.name;

import cutover.plan.sql.SqlLexer;
import cutover.plan.sql.SqlText;
import cutover.plan.sql.SqlToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.Record;
import org.jooq.RowN;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The keys the application changes in a backfill's source while the step runs. A row trigger
 * on the {@code from:} table records the key of every inserted, updated (old and new key) and
 * deleted row in a capture table {@code cutover.capture_<hash of run and step>}; after its bulk
 * pass a part replays the captured keys of its key range: per key, the target's row is removed
 * and the source's row copied again through the same columns and filter (or, for an update in
 * place, the row updated again). Each replay batch deletes the capture rows it replays in its
 * own transaction, so a retried batch never replays twice and a killed one replays again.
 *
 * <p>Replays of one step take turns (a transaction-scoped advisory lock), so two of them never
 * work on one key at once. The step's last replay runs in the transaction that records the step,
 * under a {@code SHARE ROW EXCLUSIVE} lock of the source (no write can slip in), and removes the
 * trigger, its function and the capture table there.
 *
 * <p>The bulk pass and the replays of an update in place write the source themselves; they set
 * {@code cutover.replaying} for their transaction, and the trigger does not record their rows.
 */
final class Capture {
  /** Set locally by the backfill's own writes to the source, which the trigger must not record. */
  static final String REPLAYING = "cutover.replaying";
  /** Starts the capture table's comment, followed by its run id, a newline and its step id. */
  static final String OWNER_PREFIX = "cutover capture of ";
  /** Keys one replay batch takes at most (fewer with a smaller batch size): a batch commits in a few ms. */
  static final int REPLAY_BATCH = 1_000;
  /**
   * A replay batch that takes fewer keys than this ends its part's replay: what arrives after it is
   * replayed by the step's last transaction, a few milliseconds under the source's lock.
   */
  static final int REPLAY_TAIL = 100;
  /** Keys the step's last transaction replays per statement while it holds back the writers. */
  static final int FINAL_BATCH = 10_000;

  private final BackfillSpec spec;
  private final Name table;
  private final Name function;
  private final Name trigger;
  private final String lockKey;

  Capture(BackfillSpec spec, String runId, String stepId) {
    this.spec = spec;
    String hash = hash(runId + "\u0000" + stepId);
    this.table = name("cutover", "capture_" + hash);
    this.function = name("cutover", "capture_" + hash);
    this.trigger = name("cutover_capture_" + hash);
    this.lockKey = "cutover.capture:" + hash;
  }

  /** 20 hex digits of SHA-256: identifiers stay short, plain and distinct per (run, step). */
  static String hash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  Name tableName() {
    return table;
  }

  private Table<?> source() {
    return BackfillSql.table(spec.fromTable());
  }

  private Field<Object> regclass(DSLContext sql, Table<?> of) {
    return DSL.function(name("to_regclass"), Object.class, DSL.inline(sql.render(of)));
  }

  /**
   * Why this step's changes cannot be captured, or null when they can (or capture is off). A
   * plan's {@code capture: true} on a source that cannot be captured fails the step with it;
   * by default the step copies without capture and its outcome says why.
   */
  static String refusal(DSLContext sql, BackfillSpec spec) {
    if (spec.from() == null) {
      return "a query: source is not captured (capture needs the from: table whose rows change)";
    }
    if (spec.inPlace()) {
      String reread = columnReadBack(spec);
      if (reread != null) {
        return "set: " + reread + " reads the column it sets, so replaying a row the application changed would apply "
            + "it a second time to a row the bulk pass had updated";
      }
    }
    if (!spec.inPlace() && spec.copiedKey() == null) {
      return "the key (" + String.join(", ", spec.key()) + ") is not copied as-is, so a changed key's target row cannot be found";
    }
    String kind = sql.select(DSL.field(name("c", "relkind"), String.class))
        .from(DSL.table(name("pg_catalog", "pg_class")).as("c"))
        .where(DSL.field(name("c", "oid")).eq(DSL.function(name("to_regclass"), Object.class,
            DSL.inline(sql.render(BackfillSql.table(spec.fromTable()))))))
        .fetchOne(0, String.class);
    if (kind == null) {
      return spec.sourceName() + " does not exist";
    }
    return switch (kind) {
      case "r", "p" -> null;
      case "v" -> spec.sourceName() + " is a view: capture needs a table (back the copy by the view's base table with from:)";
      default -> spec.sourceName() + " is not a table (relkind " + kind + "): its changes cannot be captured";
    };
  }

  /**
   * The first {@code set:} entry whose expression names a column that some entry sets ({@code n: n + 1}),
   * or null. Such an update is not idempotent: the replay of a captured key runs it again.
   */
  static String columnReadBack(BackfillSpec spec) {
    if (spec.set() == null) {
      return null;
    }
    for (Map.Entry<String, String> entry : spec.set().entrySet()) {
      for (SqlText statement : SqlLexer.statements(entry.getValue())) {
        for (SqlToken token : statement.tokens()) {
          if (token.isName() && spec.set().containsKey(token.identifier())) {
            return entry.getKey() + ": " + entry.getValue();
          }
        }
      }
    }
    return null;
  }

  /** Whether the trigger and capture table are in place. */
  boolean installed(DSLContext sql) {
    return sql.select(regclass(sql, DSL.table(table))).fetchOne(0) != null;
  }

  /**
   * Creates the capture table (its comment naming the run and step), its trigger function and
   * the trigger on the source, in a transaction that commits before the step's parts are fixed: a
   * retried prepare finds them installed. {@code CREATE TRIGGER} waits for the source's running
   * writes to end and holds back new ones until this commits, so every write after the bulk
   * pass's first snapshot is recorded.
   */
  void install(DSLContext sql, String runId, String stepId) {
    List<String> types = keyTypes(sql);
    List<String> columns = new ArrayList<>();
    for (int i = 0; i < spec.key().size(); i++) {
      columns.add(sql.render(name(spec.key().get(i))) + " " + types.get(i));
    }
    String keys = String.join(", ", spec.key().stream().map(k -> sql.render(name(k))).toList());
    sql.execute("CREATE TABLE {0} (" + String.join(", ", columns) + ")", table);
    // for the bulk pass's "not captured" test, when the captured keys are too many to hash
    sql.execute("CREATE INDEX ON {0} (" + keys + ")", table);
    // whose capture it is, for an abandon that finds it before the step recorded any part
    sql.execute("COMMENT ON TABLE {0} IS {1}", table, DSL.inline(OWNER_PREFIX + runId + "\n" + stepId));
    String oldKeys = String.join(", ", spec.key().stream().map(k -> "OLD." + sql.render(name(k))).toList());
    String newKeys = String.join(", ", spec.key().stream().map(k -> "NEW." + sql.render(name(k))).toList());
    String into = "INSERT INTO " + sql.render(table) + " (" + keys + ") VALUES ";
    String body = "BEGIN\n"
        + "  IF current_setting('" + REPLAYING + "', true) = 'on' THEN RETURN NULL; END IF;\n"
        + "  IF TG_OP <> 'INSERT' THEN " + into + "(" + oldKeys + "); END IF;\n"
        + "  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND ROW(" + oldKeys + ") IS DISTINCT FROM ROW(" + newKeys + ")) THEN "
        + into + "(" + newKeys + "); END IF;\n"
        + "  RETURN NULL;\n"
        + "END";
    sql.execute("CREATE FUNCTION {0}() RETURNS trigger LANGUAGE plpgsql AS {1}", function, DSL.inline(body));
    sql.execute("CREATE TRIGGER {0} AFTER INSERT OR UPDATE OR DELETE ON {1} FOR EACH ROW EXECUTE FUNCTION {2}()",
        trigger, source(), function);
    // also for sessions with session_replication_role = replica (a subscription's apply, a restore): their writes change the source too
    sql.execute("ALTER TABLE {0} ENABLE ALWAYS TRIGGER {1}", source(), trigger);
  }

  /** Drops the trigger, its function and the capture table; nothing when they are gone already. */
  void remove(DSLContext sql) {
    // only when it is there: even DROP TRIGGER IF EXISTS takes an ACCESS EXCLUSIVE lock of the table
    boolean there = sql.fetchExists(DSL.selectOne().from(DSL.table(name("pg_catalog", "pg_trigger")))
        .where(DSL.field(name("tgrelid")).eq(regclass(sql, source())),
            DSL.field(name("tgname"), String.class).eq(DSL.inline(trigger.last()))));
    if (there) {
      sql.execute("DROP TRIGGER {0} ON {1}", trigger, source());
    }
    sql.execute("DROP FUNCTION IF EXISTS {0}()", function);
    sql.execute("DROP TABLE IF EXISTS {0}", table);
  }

  /** The source key columns' types as the catalog prints them (known also when the source has no row). */
  private List<String> keyTypes(DSLContext sql) {
    Field<String> attname = DSL.field(name("a", "attname"), String.class);
    Field<String> type = DSL.field("format_type({0}, {1})", String.class, DSL.field(name("a", "atttypid")),
        DSL.field(name("a", "atttypmod"))).as("cutover_type");
    Map<String, String> byName = sql.select(attname, type)
        .from(DSL.table(name("pg_catalog", "pg_attribute")).as("a"))
        .where(DSL.field(name("a", "attrelid")).eq(regclass(sql, source())), attname.in(spec.key()),
            DSL.field(name("a", "attisdropped"), Boolean.class).isFalse())
        .fetchMap(attname, type);
    List<String> types = new ArrayList<>();
    for (String k : spec.key()) {
      String printed = byName.get(k);
      if (printed == null) {
        throw new IllegalStateException("key column " + k + " is not a column of " + spec.sourceName());
      }
      types.add(printed);
    }
    return types;
  }

  /** Waits for any other replay of this step to commit: two replays of one key never interleave. */
  void takeTurn(DSLContext sql) {
    sql.select(DSL.function(name("pg_advisory_xact_lock"), SQLDataType.OTHER,
        DSL.function(name("hashtextextended"), SQLDataType.BIGINT, DSL.inline(lockKey), DSL.inline(0L)))).fetch();
  }

  /** Holds back the source's writers until the transaction ends (the step's last replay). */
  void lockSource(DSLContext sql) {
    sql.execute("LOCK TABLE {0} IN SHARE ROW EXCLUSIVE MODE", source());
  }

  /** Marks the transaction's own writes to the source as the backfill's: the trigger skips them. */
  static void markOwnWrites(DSLContext sql) {
    sql.select(DSL.function(name("set_config"), String.class, DSL.inline(REPLAYING), DSL.inline("on"), DSL.inline(true)))
        .fetch();
  }

  /**
   * Source rows whose key has not been captured. A bulk pass by pages copies only those: a
   * captured row is copied by its replay, and may be one copied already and moved by an update
   * to a page the pass reads later.
   */
  Condition notCaptured() {
    return notCaptured(spec.fromTable());
  }

  /**
   * Rows of {@code rows} (a relation's name, or an alias, with the source's key columns) whose
   * key has not been captured. Asked first whether anything was captured (once per statement):
   * otherwise the planner, guessing the never-analyzed capture table's size, joins it by hashing
   * the batch's rows, which costs a third of a batch and hands the rows to the insert out of
   * order; with captured keys the test is a hash of them (or, of many, a probe of their index).
   */
  Condition notCaptured(List<String> rows) {
    Condition sameKey = DSL.noCondition();
    for (String k : spec.key()) {
      List<String> sourceColumn = new ArrayList<>(rows);
      sourceColumn.add(k);
      sameKey = sameKey.and(DSL.field(table.append(k)).eq(DSL.field(name(sourceColumn))));
    }
    return DSL.notExists(DSL.selectOne().from(DSL.table(table)))
        .or(DSL.notExists(DSL.selectOne().from(DSL.table(table)).where(sameKey)));
  }

  /** Captured keys not replayed yet (all of them when {@code range} is null). */
  long backlog(DSLContext sql, Condition range) {
    return sql.fetchCount(DSL.selectOne().from(DSL.table(table)).where(range == null ? DSL.noCondition() : range));
  }

  /**
   * Replays up to {@code limit} captured keys in {@code range} (a condition on the key columns;
   * null for all): takes their capture rows and re-does their target rows. Returns the capture
   * rows taken (0: the backlog in the range is empty). Call after {@link #takeTurn}.
   */
  int replay(DSLContext sql, Condition range, int limit) {
    List<Field<Object>> key = spec.key().stream().map(k -> DSL.field(name(k))).toList();
    Field<Object> ctid = DSL.field(name("ctid"));
    var taken = DSL.select(ctid).from(DSL.table(table))
        .where(range == null ? DSL.noCondition() : range).limit(limit);
    List<Field<?>> asText = new ArrayList<>();
    for (Field<Object> k : key) {
      asText.add(k.cast(SQLDataType.CLOB));
    }
    List<Record> rows = sql.deleteFrom(DSL.table(table))
        .where(DSL.field("{0} = ANY(ARRAY({1}))", Boolean.class, ctid, taken).isTrue())
        .returningResult(asText)
        .fetch()
        .stream().map(r -> (Record) r).toList();
    if (rows.isEmpty()) {
      return 0;
    }
    Set<List<String>> keys = new LinkedHashSet<>();
    for (Record row : rows) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < key.size(); i++) {
        values.add(row.get(i, String.class));
      }
      keys.add(values);
    }
    List<String> types = keyTypes(sql);
    BackfillSql.Walk source = BackfillSql.source(spec).withTypes(types);
    if (spec.inPlace()) {
      markOwnWrites(sql);
      BackfillSql.update(sql, spec, source, in(source, keys));
    } else {
      BackfillSql.Walk copied = BackfillSql.copied(spec).withTypes(types);
      sql.deleteFrom(copied.table()).where(in(copied, keys)).execute();
      BackfillSql.copy(sql, spec, source, in(source, keys));
    }
    return rows.size();
  }

  /** The walk's key is one of {@code keys}; NULL key parts (a row the application wrote with a NULL key) match nothing. */
  private static Condition in(BackfillSql.Walk walk, Set<List<String>> keys) {
    List<Field<Object>> fields = walk.keyFields();
    List<List<String>> complete = keys.stream().filter(k -> !k.contains(null)).toList();
    if (complete.isEmpty()) {
      return DSL.falseCondition();
    }
    if (fields.size() == 1) {
      return fields.get(0).in(complete.stream().map(k -> walk.literals(k).get(0)).toList());
    }
    List<RowN> rows = complete.stream().map(k -> DSL.row(walk.literals(k).toArray(Field[]::new))).toList();
    return DSL.row(fields.toArray(Field[]::new)).in(rows);
  }
}
