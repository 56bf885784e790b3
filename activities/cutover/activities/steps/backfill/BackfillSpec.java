package cutover.activities.steps.backfill;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import cutover.activities.Word;
import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepFields;
import cutover.plan.StepSpec;
import cutover.plan.schema.ExactlyOneOf;
import cutover.plan.schema.Required;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The fields of a {@code backfill} step, as the plan gives them, with their defaults.
 *
 * @param from the source table, {@code table} or {@code schema.table}, or null
 * @param query the source query, or null
 * @param key the key columns, in order
 * @param where a filter on the source, as written, or null
 * @param into the target table (a copy), or null (update in place)
 * @param columns copy: target column to source expression, in order
 * @param set update in place: column to expression, in order
 * @param onConflict copy: what a row already in the target does
 * @param conflictColumns copy with {@code onConflict: update}: the unique key of the target
 * @param partitions parts run in parallel, split by key range
 * @param batchSize a fixed batch size, or null to adapt it to {@code batchTime}
 * @param batchTime the time a batch adapts to, or null for the default of the part's walk ({@link #batchTimeFor})
 * @param rate a cap on rows per second for the whole step (all parts), or null
 * @param walk the walk the plan forces, or null to choose one ({@link WalkChoice})
 * @param capture whether changes to the source while the step runs are captured and replayed;
 *     null: yes for a {@code from:} table
 * @param guard the latency guard, or null when the plan has none (the default, or {@code guard: false})
 * @param fromTarget the target the source is read from, when it is not the plan's own ({@link TargetCopy}), or null
 */
@JsonClassDescription("Copies rows into a table (into: with columns:) or updates them in place (set:), in keyset "
    + "batches on key:, each committed with its checkpoint; resumable, throttled, parallel by key range.")
@ExactlyOneOf({"from", "query"})
@ExactlyOneOf({"into", "set"})
public record BackfillSpec(
    @JsonPropertyDescription("The source table, table or schema.table.")
    String from,
    @JsonPropertyDescription("The source query; its columns include the key.")
    String query,
    @Required
    @JsonPropertyDescription("The column(s) that order and split the rows, e.g. [tenant, id]; any orderable type, no NULLs.")
    List<String> key,
    @JsonPropertyDescription("A filter on the source, as written.")
    String where,
    @JsonPropertyDescription("The target table of a copy, table or schema.table.")
    String into,
    @JsonPropertyDescription("A copy's columns: target column to source expression, as written.")
    Map<String, String> columns,
    @JsonPropertyDescription("An update in place of the from: table: column to expression.")
    Map<String, String> set,
    @JsonProperty(defaultValue = "error")
    @JsonPropertyDescription("A copied row whose key is already in the target: error fails the step, nothing keeps the "
        + "target's row, update upserts on conflictColumns:.")
    OnConflict onConflict,
    @JsonPropertyDescription("With onConflict: update: the target's unique key, among the copied columns.")
    List<String> conflictColumns,
    @JsonProperty(defaultValue = "1")
    @JsonPropertyDescription("Key ranges copied in parallel, each its own activity; 1 to 8.")
    Integer partitions,
    @JsonPropertyDescription("A fixed batch size, 100 to 1000000; when omitted it adapts to batchTime:.")
    Integer batchSize,
    @JsonPropertyDescription("The time of one batch the batch size adapts to; by default 40ms, 60ms for a page walk or a"
        + " copy between targets, 20ms under a guard:.")
    Duration batchTime,
    @JsonPropertyDescription("A cap on rows per second for the whole step (all partitions).")
    Long rate,
    @JsonProperty(defaultValue = "0s")
    @JsonPropertyDescription("A pause between two batches of a partition.")
    Duration pauseBetween,
    @JsonProperty(defaultValue = "500ms")
    @JsonPropertyDescription("Back off while a session has waited longer than this on a lock of a table the step touches.")
    Duration maxLockWait,
    @JsonProperty(defaultValue = "10s")
    @JsonPropertyDescription("Back off while a replica lags more than this (pg_stat_replication).")
    Duration maxReplicationLag,
    @JsonPropertyDescription("How batches go through the rows: key (keyset in key order), pages (physical page ranges"
        + " of a from: table, a copy only), ranges (key ranges split from a sample) or matches (a filtered copy from a"
        + " from: table with capture: the filter evaluated once into a list of the matching rows, batches of them by"
        + " page range); when omitted, chosen per step"
        + " and named in its outcome.")
    WalkKind walk,
    @JsonPropertyDescription("Capture the keys the application inserts, updates and deletes in the from: table while "
        + "the step runs (a trigger into a cutover table) and replay them after the bulk pass, so the target equals "
        + "the source when the step ends. Default true for a from: table; a query: source is not captured.")
    Boolean capture,
    @JsonPropertyDescription("A latency guard (off unless given): the backfill measures a probe's latency before its "
        + "first batch (the baseline) and while it copies, and backs off while the probe's p99 over window: exceeds "
        + "ratio: x the baseline's p99. true: with the defaults; false: off.")
    GuardSpec guard,
    @JsonPropertyDescription("Read the source (from: or query:) on this other target, which the workers of the plan's"
        + " target must know too: a copy between targets, each batch read from it in a read-only transaction and"
        + " committed here with its checkpoint. A copy only (into:), walked by key; changes are not captured and there is"
        + " no guard.")
    String fromTarget,
    @JsonUnwrapped
    SqlTimeouts timeouts) implements StepSpec, SqlTimeouts.Given {

  /**
   * Batch time the batch size adapts to by default. Measured on 5M rows (2 cores, three rounds
   * each, the same day): a key walk copied as fast at 40 ms as at 60 ms (0.89x and 0.91x the
   * single statement) with its batches' p99 at 69 ms against 106-131 ms; a range walk (a query
   * with a join) 1.00x with 67 ms.
   */
  public static final Duration DEFAULT_BATCH_TIME = Duration.ofMillis(40);
  /**
   * Batch time of a page walk by default. Its batches cost more whatever their size: measured on
   * 5M rows of random UUID keys the same day, 0.97x at 60 ms against 0.88x at 40 and at 50 ms,
   * with the batches' p99 at 81 ms.
   */
  public static final Duration DEFAULT_PAGE_BATCH_TIME = Duration.ofMillis(60);
  /**
   * Batch time of a copy between targets by default: each batch also pays a read-only transaction
   * and its bound query on the source target (measured at 60 ms, README "Copy between targets").
   */
  public static final Duration DEFAULT_BETWEEN_TARGETS_BATCH_TIME = Duration.ofMillis(60);
  /**
   * Batch time under a latency guard. A guarded batch commits durably, so its time includes a
   * flush whose length varies; and the application's writes beside a batch wait about as long as
   * it runs. Measured at 300k rows beside 200 writes/s (2 cores, one run each): 60 ms gave batches
   * of 140 ms at p99 and writers 1.9x their baseline, 30 ms 58 ms and 1.3x, 20 ms 53 ms and 1.1x.
   * A guarded copy's rate is the guard's share of the time more than its batches' fixed costs.
   */
  public static final Duration DEFAULT_GUARDED_BATCH_TIME = Duration.ofMillis(20);
  public static final int FIRST_BATCH_SIZE = 1_000;
  public static final int MIN_BATCH_SIZE = 100;
  public static final int MAX_BATCH_SIZE = 1_000_000;
  public static final int MAX_PARTITIONS = 8;
  public static final Duration DEFAULT_MAX_LOCK_WAIT = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX_REPLICATION_LAG = Duration.ofSeconds(10);

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

  /** What a copied row whose key is already in the target does. */
  public enum OnConflict implements Word {
    /** The step fails (a plain INSERT). */
    ERROR,
    /** The row in the target is kept. */
    NOTHING,
    /** The row in the target is updated (an upsert on {@code conflictColumns}). */
    UPDATE;

    /** Case and spaces as a plan may write them; null when it is none of the three. */
    @JsonCreator
    public static OnConflict of(String text) {
      return Word.of(OnConflict.class, text == null ? null : text.strip().toLowerCase(Locale.ROOT));
    }
  }

  public BackfillSpec {
    key = key == null ? List.of() : List.copyOf(key);
    columns = columns == null ? null : new LinkedHashMap<>(columns);
    set = set == null ? null : new LinkedHashMap<>(set);
    onConflict = onConflict == null ? OnConflict.ERROR : onConflict;
    conflictColumns = conflictColumns == null ? List.of() : List.copyOf(conflictColumns);
    partitions = partitions == null ? 1 : partitions;
    pauseBetween = pauseBetween == null ? Duration.ZERO : pauseBetween;
    maxLockWait = maxLockWait == null ? DEFAULT_MAX_LOCK_WAIT : maxLockWait;
    maxReplicationLag = maxReplicationLag == null ? DEFAULT_MAX_REPLICATION_LAG : maxReplicationLag;
    timeouts = timeouts == null ? SqlTimeouts.DEFAULTS : timeouts;
  }

  /** A spec without the walk, capture and guard fields (their defaults). */
  public BackfillSpec(String from, String query, List<String> key, String where, String into, Map<String, String> columns,
      Map<String, String> set, OnConflict onConflict, List<String> conflictColumns, Integer partitions, Integer batchSize,
      Duration batchTime, Long rate, Duration pauseBetween, Duration maxLockWait, Duration maxReplicationLag,
      SqlTimeouts timeouts) {
    this(from, query, key, where, into, columns, set, onConflict, conflictColumns, partitions, batchSize, batchTime, rate,
        pauseBetween, maxLockWait, maxReplicationLag, null, null, null, timeouts);
  }

  /** A spec of a backfill within the plan's target (no fromTarget:). */
  public BackfillSpec(String from, String query, List<String> key, String where, String into, Map<String, String> columns,
      Map<String, String> set, OnConflict onConflict, List<String> conflictColumns, Integer partitions, Integer batchSize,
      Duration batchTime, Long rate, Duration pauseBetween, Duration maxLockWait, Duration maxReplicationLag,
      WalkKind walk, Boolean capture, GuardSpec guard, SqlTimeouts timeouts) {
    this(from, query, key, where, into, columns, set, onConflict, conflictColumns, partitions, batchSize, batchTime, rate,
        pauseBetween, maxLockWait, maxReplicationLag, walk, capture, guard, null, timeouts);
  }

  /** Whether the step captures and replays the source's changes: as the plan says, else for a from: table. */
  public boolean captures() {
    return capture != null ? capture : from != null && fromTarget == null;
  }

  /** The time a batch of a part walked by {@code walk} adapts to: the plan's, else the default for it. */
  public Duration batchTimeFor(WalkKind walk) {
    if (batchTime != null) {
      return batchTime;
    }
    if (guard != null) {
      return DEFAULT_GUARDED_BATCH_TIME;
    }
    if (betweenTargets()) {
      return DEFAULT_BETWEEN_TARGETS_BATCH_TIME;
    }
    return walk == WalkKind.PAGES ? DEFAULT_PAGE_BATCH_TIME : DEFAULT_BATCH_TIME;
  }

  /** Whether the source is read on another target than the plan's. */
  public boolean betweenTargets() {
    return fromTarget != null;
  }

  @Override
  public String kind() {
    return BackfillStep.NAME;
  }

  public boolean inPlace() {
    return into == null;
  }

  /** The source table's name parts ({@code [table]} or {@code [schema, table]}), or null. */
  public List<String> fromTable() {
    return nameParts(from);
  }

  /** The target table's name parts, or null for an update in place. */
  public List<String> intoTable() {
    return nameParts(into);
  }

  /** The relation whose keys are walked: the source table or {@code (query) AS source}. */
  public String sourceName() {
    return from != null ? String.join(".", fromTable()) : "query";
  }

  private static List<String> nameParts(String text) {
    return text == null ? null : List.of(text.strip().split("\\."));
  }

  /**
   * For a copy, the target column each key column is copied into unchanged (its expression is
   * the key column's name), in key order; null when some key column is not copied as-is.
   */
  public List<String> copiedKey() {
    return copiedKey(key, columns);
  }

  private static List<String> copiedKey(List<String> key, Map<String, String> columns) {
    if (columns == null) {
      return null;
    }
    List<String> targets = new ArrayList<>();
    for (String k : key) {
      String found = null;
      for (Map.Entry<String, String> column : columns.entrySet()) {
        String expression = column.getValue().strip();
        if (expression.equals(k) || expression.equals("\"" + k + "\"")) {
          found = column.getKey();
          break;
        }
      }
      if (found == null) {
        return null;
      }
      targets.add(found);
    }
    return targets;
  }

  /** Reads the fields at plan-load time, reporting every problem. */
  static BackfillSpec read(StepFields fields) {
    String from = fields.optionalString("from");
    String query = fields.optionalString("query");
    List<String> key = fields.optionalStringList("key");
    String where = fields.optionalString("where");
    String into = fields.optionalString("into");
    Map<String, String> columns = fields.optionalStringMap("columns");
    Map<String, String> set = fields.optionalStringMap("set");
    String onConflict = fields.optionalString("onConflict");
    List<String> conflictColumns = fields.optionalStringList("conflictColumns");
    Integer partitions = fields.optionalInteger("partitions", 1, MAX_PARTITIONS, null);
    Integer batchSize = fields.optionalInteger("batchSize", MIN_BATCH_SIZE, MAX_BATCH_SIZE, null);
    Duration batchTime = fields.optionalDuration("batchTime", null);
    Integer rate = fields.optionalInteger("rate", 1, Integer.MAX_VALUE, null);
    Duration pauseBetween = fields.optionalDuration("pauseBetween", null);
    Duration maxLockWait = fields.optionalDuration("maxLockWait", null);
    Duration maxReplicationLag = fields.optionalDuration("maxReplicationLag", null);
    String walk = fields.optionalString("walk");
    Boolean capture = fields.optionalBoolean("capture");
    GuardSpec guard = GuardSpec.read(fields);
    String fromTarget = fields.optionalOtherTarget("fromTarget");
    SqlTimeouts timeouts = SqlTimeouts.read(fields);
    if (fromTarget != null) {
      TargetCopy.refuseWhatDoesNotApply(fields, set, capture, WalkKind.of(walk), guard);
    }
    if (Boolean.TRUE.equals(capture) && query != null) {
      fields.problem("capture", "capture: true needs a from: table; the changes behind a query: source are not captured",
          "copy from: the table whose rows change, or set capture: false (the copy is then exact only without concurrent writes)");
    }
    problems(fields, from, query, key, where, into, columns, set, onConflict, conflictColumns);
    walkProblems(fields, walk, query, set);
    BackfillSpec spec = new BackfillSpec(from, query, key, where, into, columns, set, OnConflict.of(onConflict),
        conflictColumns, partitions, batchSize, batchTime, rate == null ? null : rate.longValue(), pauseBetween,
        maxLockWait, maxReplicationLag, WalkKind.of(walk), capture, guard, fromTarget, timeouts);
    String reread = set == null ? null : Capture.columnReadBack(spec);
    if (Boolean.TRUE.equals(capture) && reread != null) {
      fields.problem("capture", "capture: true, but set: " + reread + " reads the column it sets: the replay of a "
          + "row the application changed would apply it twice",
          "set the column from other columns only (e.g. doubled: v * 2), or set capture: false");
    }
    return spec;
  }

  private static void walkProblems(StepFields fields, String walk, String query, Map<String, String> set) {
    if (walk == null) {
      return;
    }
    WalkKind kind = WalkKind.of(walk);
    if (kind == null) {
      fields.problem("walk", "walk must be key, pages or ranges (or matches, for a filtered copy), found '" + walk + "'",
          "write walk: key, pages, ranges or matches, or leave it out to let the step choose");
    } else if (kind == WalkKind.PAGES && query != null) {
      fields.problem("walk", "walk: pages reads a table's pages, and a query: has none",
          "use walk: ranges or key, or leave walk: out");
    } else if (kind == WalkKind.PAGES && set != null) {
      fields.problem("walk", "walk: pages cannot update in place: an updated row may move to a later page and be"
              + " updated twice", "use walk: key or ranges, or leave walk: out");
    } else if (kind == WalkKind.MATCHES && query != null) {
      fields.problem("walk", "walk: matches lists rows of a from: table by location, and a query: has none",
          "use walk: ranges or key, or leave walk: out");
    } else if (kind == WalkKind.MATCHES && set != null) {
      fields.problem("walk", "walk: matches cannot update in place: an updated row moves, and its listed location"
              + " with it", "use walk: key or ranges, or leave walk: out");
    }
  }

  private static void problems(StepFields fields, String from, String query, List<String> key, String where,
      String into, Map<String, String> columns, Map<String, String> set, String onConflict,
      List<String> conflictColumns) {
    if (from == null && query == null) {
      fields.problem("from", "a backfill needs a source: from: TABLE or query: SELECT ...",
          "add from: with the source table, or query: with a SELECT whose columns include the key");
    } else if (from != null && query != null) {
      fields.problem("query", "give either from: or query:, not both", "keep the one the rows come from");
    }
    if (from != null) {
      tableName(fields, "from", from);
    }
    if (key == null || key.isEmpty()) {
      fields.problem("key", "a backfill needs key: the column(s) that order and split the rows",
          "add key: [id], or the columns of a unique key, e.g. key: [tenant, id]");
    } else {
      key.forEach(k -> identifier(fields, "key", k));
      if (key.stream().distinct().count() < key.size()) {
        fields.problem("key", "key: names a column twice", "list each key column once");
      }
    }
    if (where != null && where.isBlank()) {
      fields.problem("where", "where: is blank", "give a condition or remove where:");
    }
    if (into == null && set == null) {
      fields.problem("into", "a backfill needs a target: into: TABLE with columns:, or set: to update the source in place",
          "add into: and columns: (target column: source expression), or set: (column: expression)");
      return;
    }
    if (into != null && set != null) {
      fields.problem("set", "give either into: (a copy) or set: (an update in place), not both",
          "keep into: and columns: to copy, or set: to update the source's rows");
      return;
    }
    if (set != null) {
      set.keySet().forEach(c -> identifier(fields, "set", c));
      if (from == null) {
        fields.problem("set", "set: updates the source table in place, so the source must be from: TABLE",
            "name the table with from:, or copy the query's rows with into:");
      }
      for (String other : List.of("columns", "onConflict", "conflictColumns")) {
        if (present(other, columns, onConflict, conflictColumns)) {
          fields.problem(other, other + ": belongs to a copy (into:), not to an update in place (set:)",
              "remove " + other + ":");
        }
      }
      if (!fields.declaresUndo()) {
        fields.problem("set", "an update in place cannot be undone automatically",
            "add compensate: with SQL that restores the columns, or declare irreversible: true");
      }
      return;
    }
    tableName(fields, "into", into);
    if (columns == null) {
      fields.problem("into", "a copy needs columns: (target column: source expression)",
          "add columns:, e.g. columns: {id: id, name: upper(name)}");
    } else {
      columns.keySet().forEach(c -> identifier(fields, "columns", c));
    }
    OnConflict mode = onConflict == null ? OnConflict.ERROR : OnConflict.of(onConflict);
    if (mode == null) {
      fields.problem("onConflict", "onConflict must be error, nothing or update, found '" + onConflict + "'",
          "write onConflict: error (a row already in the target fails the step), nothing (keep it) or update (upsert)");
    } else if (mode == OnConflict.UPDATE) {
      if (conflictColumns == null || conflictColumns.isEmpty()) {
        fields.problem("onConflict", "onConflict: update needs conflictColumns: (the target's unique key)",
            "add conflictColumns: [id], the columns of a unique index of the target");
      }
    } else if (conflictColumns != null) {
      fields.problem("conflictColumns", "conflictColumns: is used only with onConflict: update",
          "remove it, or set onConflict: update");
    }
    if (conflictColumns != null) {
      conflictColumns.forEach(c -> identifier(fields, "conflictColumns", c));
      if (columns != null && !columns.keySet().containsAll(conflictColumns)) {
        fields.problem("conflictColumns", "every conflict column must be one of the copied columns",
            "add them to columns:, or fix conflictColumns:");
      }
    }
    if (!fields.declaresUndo() && key != null && columns != null) {
      if (copiedKey(key, columns) == null) {
        fields.problem("columns", "without compensate:, a rollback removes the copied rows by key, but the key ("
                + String.join(", ", key) + ") is not copied as-is into a column",
            "map each key column unchanged (e.g. id: id), or add compensate: SQL, or declare irreversible: true");
      }
    }
  }

  private static boolean present(String field, Object columns, Object onConflict, Object conflictColumns) {
    return switch (field) {
      case "columns" -> columns != null;
      case "onConflict" -> onConflict != null;
      default -> conflictColumns != null;
    };
  }

  /** The name parts of {@code table} or {@code schema.table}, each a plain identifier. */
  private static void tableName(StepFields fields, String field, String name) {
    String[] parts = name.strip().split("\\.", -1);
    if (parts.length > 2) {
      fields.problem(field, field + ": '" + name + "' must be TABLE or SCHEMA.TABLE", "write e.g. " + field + ": public.orders");
      return;
    }
    for (String part : parts) {
      if (!IDENTIFIER.matcher(part).matches()) {
        fields.problem(field, field + ": '" + name + "' is not a plain table name (letters, digits, _ and $, at most 63)",
            "write the name as PostgreSQL stores it, e.g. " + field + ": public.orders; it is quoted exactly as written");
        return;
      }
    }
  }

  private static void identifier(StepFields fields, String field, String name) {
    if (!IDENTIFIER.matcher(name).matches()) {
      fields.problem(field, field + ": '" + name + "' is not a plain column name (letters, digits, _ and $, at most 63)",
          "write the column as PostgreSQL stores it; it is quoted exactly as written");
    }
  }
}
