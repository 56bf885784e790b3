package cutover.activities.steps.parity;

import cutover.activities.steps.StepContext;
import cutover.activities.steps.check.CheckStep;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * One comparison of a parity step, in one transaction.
 *
 * <p><b>Rows</b> (with {@code key:}): the key space is cut into ranges from a sample of keys
 * (each key column gets sorted boundaries computed by the database, so ranges follow its own
 * ordering and collation); one statement then hashes the compared columns of every row on both
 * sides ({@code hashtextextended} of the row's text form) and sums the hashes per range, with a
 * count. Ranges whose count or sum differ are read again, row by row, key and hash only, and the
 * differing keys named: missing (in legacy, not in new), extra (in new only), changed.
 *
 * <p><b>Groups</b> (with {@code groupBy:}): the aggregates (default {@code count(*)}) per group,
 * from both sides in one statement, compared group by group.
 *
 * <p>Identifiers are quoted by jOOQ; plan SQL (a side's query or where, aggregates) runs as
 * written inside the statements built here, through plain JDBC statements.
 */
final class ParityComparison {
  /** Rows read again at most, per side, when rechecking differing chunks. */
  static final int RECHECK_ROWS = 500_000;
  static final int CHUNKS_PER_RECHECK_QUERY = 25;
  static final int MAX_CHUNKS = 5_000;
  static final int COLUMN_DIFFS = 5;

  record Result(boolean holds, String summary, Long rows, long millis, Map<String, Object> report) {}

  /** One side of the comparison: a table (with an optional filter) or a query, as a FROM item. */
  private record Side(String code, String label, String table, String where, String query) {
    String from() {
      if (table != null) {
        return "(SELECT * FROM " + table + (where == null ? "" : " WHERE (" + where + ")") + ")";
      }
      return "(" + query + "\n)";
    }

    Map<String, Object> json() {
      Map<String, Object> json = new LinkedHashMap<>();
      if (table != null) {
        json.put("table", table);
        if (where != null) {
          json.put("where", where);
        }
      } else {
        json.put("query", query);
      }
      return json;
    }
  }

  private final StepContext context;
  private final DSLContext sql;
  private final ParitySpec spec;
  private final Side legacy;
  private final Side fresh;
  private final int show;

  /** @param sql the transaction the comparison reads in */
  ParityComparison(StepContext context, ParitySpec spec, DSLContext sql) {
    this.context = context;
    this.sql = sql;
    this.spec = spec;
    this.legacy = side("l", "legacy", spec.legacy());
    this.fresh = side("n", "new", spec.fresh());
    this.show = spec.show();
  }

  private Side side(String code, String field, ParitySpec.Side given) {
    if (given == null) {
      throw new IllegalArgumentException("parity: the plan gives no " + field + ":");
    }
    String table = given.table();
    String query = given.query();
    if (table != null) {
      return new Side(code, field, sql.render(DSL.name(table.split("\\."))), given.where(), null);
    }
    return new Side(code, field, null, null, stripSemicolons(query));
  }

  Result run() {
    long started = System.nanoTime();
    Map<String, String> legacyColumns = columns(legacy);
    Map<String, String> newColumns = columns(fresh);
    List<String> key = spec.key();
    List<String> groupBy = spec.groupBy();
    List<String> compared = spec.columns();
    require(legacy, legacyColumns, key, "key");
    require(fresh, newColumns, key, "key");
    require(legacy, legacyColumns, groupBy, "groupBy");
    require(fresh, newColumns, groupBy, "groupBy");
    if (compared.isEmpty()) {
      compared = newColumns.keySet().stream().filter(legacyColumns::containsKey).filter(c -> !key.contains(c)).toList();
    } else {
      require(legacy, legacyColumns, compared, "columns");
      require(fresh, newColumns, compared, "columns");
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("legacy", legacy.json());
    report.put("new", fresh.json());
    List<String> problems = new ArrayList<>();
    List<String> fine = new ArrayList<>();
    Long rows = null;
    if (!key.isEmpty()) {
      report.put("key", key);
      report.put("columns", compared);
      Map<String, Object> notCompared = new LinkedHashMap<>();
      List<String> onlyLegacy = legacyColumns.keySet().stream().filter(c -> !newColumns.containsKey(c)).toList();
      List<String> onlyNew = newColumns.keySet().stream().filter(c -> !legacyColumns.containsKey(c)).toList();
      if (!onlyLegacy.isEmpty() || !onlyNew.isEmpty()) {
        notCompared.put("legacyOnly", onlyLegacy);
        notCompared.put("newOnly", onlyNew);
        report.put("notCompared", notCompared);
      }
      RowComparison rowResult = new RowComparison(key, compared, legacyColumns, newColumns).run();
      report.put("rows", rowResult.json);
      rows = rowResult.legacyRows;
      if (rowResult.problem == null) {
        fine.add(rowResult.fine);
      } else {
        problems.add(rowResult.problem);
      }
    }
    if (!groupBy.isEmpty()) {
      List<String> aggregates = spec.aggregates();
      GroupComparison groups = compareGroups(groupBy, aggregates);
      report.put("groups", groups.json);
      if (groups.problem == null) {
        fine.add(groups.fine);
      } else {
        problems.add(groups.problem);
      }
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    report.put("millis", millis);
    report.put("holds", problems.isEmpty());
    String summary = problems.isEmpty() ? String.join("; ", fine) : String.join("; ", problems);
    return new Result(problems.isEmpty(), summary, rows, millis, report);
  }

  // ------------------------------------------------------------------------------------ rows

  /** The key-range chunks and the row-level comparison of both sides. */
  private final class RowComparison {
    final List<String> key;
    final List<String> compared;
    final Map<String, String> legacyTypes;
    final Map<String, String> newTypes;
    /** Per key column, how it cuts the key space. */
    final List<Bucketing> bucketing = new ArrayList<>();
    final Map<String, Object> json = new LinkedHashMap<>();
    long legacyRows;
    String problem;
    String fine;

    RowComparison(List<String> key, List<String> compared, Map<String, String> legacyTypes,
        Map<String, String> newTypes) {
      this.key = key;
      this.compared = compared;
      this.legacyTypes = legacyTypes;
      this.newTypes = newTypes;
    }

    RowComparison run() {
      long began = System.nanoTime();
      int wanted = chunkBounds();
      long sampled = System.nanoTime();
      json.put("sampleMillis", (sampled - began) / 1_000_000);
      Map<List<String>, String[]> legacyChunks = new HashMap<>();
      Map<List<String>, String[]> newChunks = new HashMap<>();
      String statement = chunkQuery(legacy, legacyTypes) + "\nUNION ALL\n" + chunkQuery(fresh, newTypes);
      int buckets = (int) bucketing.stream().filter(Bucketing::used).count();
      for (String[] row : fetch(statement)) {
        List<String> cell = new ArrayList<>();
        for (int i = 0; i < buckets; i++) {
          cell.add(row[1 + i]);
        }
        String[] totals = {row[1 + buckets], row[2 + buckets]};
        (row[0].equals("l") ? legacyChunks : newChunks).put(cell, totals);
      }
      json.put("hashMillis", (System.nanoTime() - sampled) / 1_000_000);
      legacyRows = legacyChunks.values().stream().mapToLong(t -> Long.parseLong(t[0])).sum();
      long newRows = newChunks.values().stream().mapToLong(t -> Long.parseLong(t[0])).sum();
      List<List<String>> differing = new ArrayList<>();
      TreeSet<List<String>> cells = new TreeSet<>(KEY_ORDER);
      cells.addAll(legacyChunks.keySet());
      cells.addAll(newChunks.keySet());
      for (List<String> cell : cells) {
        if (!java.util.Arrays.equals(legacyChunks.get(cell), newChunks.get(cell))) {
          differing.add(cell);
        }
      }
      json.put("legacyRows", legacyRows);
      json.put("newRows", newRows);
      json.put("chunksPlanned", wanted);
      json.put("chunks", cells.size());
      json.put("differingChunks", differing.size());
      String columns = compared.isEmpty() ? "keys only" : String.join(", ", compared) + " compared";
      if (differing.isEmpty()) {
        fine = String.format(java.util.Locale.ROOT, "%,d rows match by key [%s] in %d chunk%s (%s)", legacyRows,
            String.join(", ", key), cells.size(), cells.size() == 1 ? "" : "s", columns);
        return this;
      }
      recheck(differing, legacyRows, newRows, legacyChunks, newChunks);
      return this;
    }

    /** Reads the differing chunks again, key and hash only, and names what differs. */
    private void recheck(List<List<String>> differing, long legacyRows, long newRows,
        Map<List<String>, String[]> legacyChunks, Map<List<String>, String[]> newChunks) {
      long began = System.nanoTime();
      Diff missing = new Diff();
      Diff extra = new Diff();
      Diff changed = new Diff();
      int rechecked = 0;
      long read = 0;
      // batches of chunks small enough to read row by row; a chunk too large alone is not read
      List<List<List<String>>> batches = new ArrayList<>();
      List<List<String>> batch = new ArrayList<>();
      long batchRows = 0;
      long planned = 0;
      for (List<String> cell : differing) {
        long cellRows = Math.max(rowsIn(legacyChunks, cell), rowsIn(newChunks, cell));
        if (cellRows > RECHECK_ROWS / 2 || planned + cellRows > RECHECK_ROWS) {
          continue;
        }
        if (!batch.isEmpty() && (batch.size() >= CHUNKS_PER_RECHECK_QUERY || batchRows + cellRows > RECHECK_ROWS / 5)) {
          batches.add(batch);
          batch = new ArrayList<>();
          batchRows = 0;
        }
        batch.add(cell);
        batchRows += cellRows;
        planned += cellRows;
      }
      if (!batch.isEmpty()) {
        batches.add(batch);
      }
      for (List<List<String>> cells : batches) {
        Map<List<String>, String> legacyRowsRead = rowHashes(legacy, legacyTypes, cells);
        Map<List<String>, String> newRowsRead = rowHashes(fresh, newTypes, cells);
        read += Math.max(legacyRowsRead.size(), newRowsRead.size());
        rechecked += cells.size();
        TreeSet<List<String>> keys = new TreeSet<>(KEY_ORDER);
        keys.addAll(legacyRowsRead.keySet());
        keys.addAll(newRowsRead.keySet());
        for (List<String> k : keys) {
          String before = legacyRowsRead.get(k);
          String after = newRowsRead.get(k);
          if (after == null) {
            missing.add(k, show);
          } else if (before == null) {
            extra.add(k, show);
          } else if (!before.equals(after)) {
            changed.add(k, show);
          }
        }
        context.environment().heartbeat();
      }
      boolean complete = rechecked == differing.size();
      json.put("recheckMillis", (System.nanoTime() - began) / 1_000_000);
      json.put("recheckedRows", read);
      json.put("recheckedChunks", rechecked);
      json.put("complete", complete);
      json.put("missing", missing.json(key, complete));
      json.put("extra", extra.json(key, complete));
      List<Map<String, Object>> changes = new ArrayList<>();
      for (List<String> k : changed.first.subList(0, Math.min(COLUMN_DIFFS, changed.first.size()))) {
        changes.add(columnDiff(k));
      }
      Map<String, Object> changedJson = changed.json(key, complete);
      changedJson.put("columns", changes);
      json.put("changed", changedJson);
      if (missing.count + extra.count + changed.count == 0 && !complete) {
        problem = String.format(java.util.Locale.ROOT, "rows by key [%s] differ (%,d legacy, %,d new) in %d chunk%s too "
            + "large to read again row by row; lower chunkRows: to find which", String.join(", ", key), legacyRows, newRows,
            differing.size() - rechecked, differing.size() - rechecked == 1 ? "" : "s");
        return;
      }
      if (missing.count + extra.count + changed.count == 0) {
        fine = String.format(java.util.Locale.ROOT,
            "%,d rows match by key [%s]: %d chunk%s differed on the first pass but no row differs on recheck "
                + "(rows changed while comparing)", legacyRows, String.join(", ", key), differing.size(),
            differing.size() == 1 ? "" : "s");
        return;
      }
      String atLeast = complete ? "" : "at least ";
      List<String> parts = new ArrayList<>();
      if (missing.count > 0) {
        parts.add(atLeast + thousands(missing.count) + " missing in new (in legacy only): " + keys(missing.first));
      }
      if (extra.count > 0) {
        parts.add(atLeast + thousands(extra.count) + " extra in new (not in legacy): " + keys(extra.first));
      }
      if (changed.count > 0) {
        List<String> described = new ArrayList<>();
        for (Map<String, Object> change : changes) {
          described.add(change.get("description").toString());
        }
        if (changed.first.size() > changes.size()) {
          described.add(keys(changed.first.subList(changes.size(), changed.first.size())));
        }
        parts.add(atLeast + thousands(changed.count) + " changed: " + String.join("; ", described));
      }
      problem = String.format(java.util.Locale.ROOT, "rows by key [%s] differ (%,d legacy, %,d new): %s", String.join(", ", key),
          legacyRows, newRows, String.join("; ", parts)) + (complete ? ""
              : " (rechecked " + rechecked + " of " + differing.size() + " differing chunks)");
    }

    private static long rowsIn(Map<List<String>, String[]> chunks, List<String> cell) {
      String[] totals = chunks.get(cell);
      return totals == null ? 0 : Long.parseLong(totals[0]);
    }

    private String keys(List<List<String>> keys) {
      String listed = keys.stream().limit(show).map(this::keyText).collect(Collectors.joining(", "));
      return listed;
    }

    private String keyText(List<String> values) {
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < key.size(); i++) {
        parts.add(key.get(i) + "=" + values.get(i));
      }
      return "(" + String.join(", ", parts) + ")";
    }

    /** The compared columns of one changed row on both sides, and which differ. */
    private Map<String, Object> columnDiff(List<String> k) {
      Map<String, Object> diff = new LinkedHashMap<>();
      diff.put("key", keyMap(key, k));
      String[] before = oneRow(legacy, legacyTypes, k);
      String[] after = oneRow(fresh, newTypes, k);
      List<String> words = new ArrayList<>();
      Map<String, Object> columns = new LinkedHashMap<>();
      for (int i = 0; i < compared.size(); i++) {
        String b = before == null ? null : before[i];
        String a = after == null ? null : after[i];
        if (!Objects.equals(a, b)) {
          Map<String, Object> values = new LinkedHashMap<>();
          values.put("legacy", CheckStep.shorten(b));
          values.put("new", CheckStep.shorten(a));
          columns.put(compared.get(i), values);
          words.add(compared.get(i) + " " + quote(b) + " → " + quote(a));
        }
      }
      diff.put("differs", columns);
      diff.put("description", keyText(k) + (words.isEmpty() ? "" : ": " + String.join(", ", words)));
      return diff;
    }

    private String[] oneRow(Side side, Map<String, String> types, List<String> k) {
      List<String> where = new ArrayList<>();
      for (int i = 0; i < key.size(); i++) {
        where.add(k.get(i) == null ? column(key.get(i)) + " IS NULL"
            : column(key.get(i)) + " = " + literal(k.get(i), types.get(key.get(i))));
      }
      String select = compared.stream().map(c -> column(c) + "::text").collect(Collectors.joining(", "));
      List<String[]> rows = fetch("SELECT " + select + " FROM " + side.from() + " s WHERE "
          + String.join(" AND ", where) + " LIMIT 1");
      return rows.isEmpty() ? null : rows.get(0);
    }

    /** Computes each key column's range bounds from a sample of keys; @return the chunks aimed for. */
    private int chunkBounds() {
      // the key sample comes from a table where there is one (TABLESAMPLE reads a few pages), legacy first:
      // it is the side that holds the data; an empty new table would give one chunk of everything
      Side sampled = legacy;
      long estimate = -1;
      if (legacy.table() == null && fresh.table() != null) {
        estimate = estimate(fresh);
        sampled = estimate >= 1_000 ? fresh : legacy;
      }
      if (sampled == legacy) {
        estimate = estimate(legacy);
      }
      int chunkRows = spec.chunkRows();
      int wanted = (int) Math.max(1, Math.min(MAX_CHUNKS, (estimate + chunkRows - 1) / chunkRows));
      if (wanted == 1) {
        key.forEach(k -> bucketing.add(Bucketing.NONE));
        return 1;
      }
      String keys = key.stream().map(ParityComparison.this::column).collect(Collectors.joining(", "));
      long sampleRows = Math.min(estimate, wanted * 10L + 100);
      double percent = Math.min(100.0, 100.0 * sampleRows / Math.max(1, estimate));
      String sample;
      if (estimate <= 100_000 || percent >= 100.0) {
        sample = "(SELECT " + keys + " FROM " + sampled.from() + " s)";
      } else if (sampled.table() != null) {
        sample = "(SELECT " + keys + " FROM " + sampled.table() + " AS s TABLESAMPLE SYSTEM ("
            + String.format(java.util.Locale.ROOT, "%.6f", percent) + ") REPEATABLE (7)"
            + (sampled.where() == null ? "" : " WHERE (" + sampled.where() + ")") + ")";
      } else {
        sample = "(SELECT " + keys + " FROM " + sampled.from() + " s WHERE random() < "
            + String.format(java.util.Locale.ROOT, "%.8f", percent / 100) + ")";
      }
      String distinct = key.stream().map(k -> "count(DISTINCT x." + quoted(k) + ")").collect(Collectors.joining(", "));
      String[] counts = fetch("SELECT count(*), " + distinct + " FROM " + sample + " x").get(0);
      long sampleSize = Long.parseLong(counts[0]);
      int remaining = wanted;
      List<String> expressions = new ArrayList<>();
      List<Boolean> byValue = new ArrayList<>();
      for (int i = 0; i < key.size(); i++) {
        long distinctValues = Long.parseLong(counts[i + 1]);
        int n;
        if (remaining <= 1 || distinctValues <= 1) {
          n = 0;
        } else if (distinctValues <= remaining) {
          n = (int) distinctValues;
          remaining = (int) Math.ceil(remaining / (double) distinctValues);
        } else {
          n = remaining;
          remaining = 1;
        }
        // a few values, each seen often (tenants): chunk by the value itself, which an index finds by equality
        boolean values = n > 0 && n == distinctValues && distinctValues * 20 <= sampleSize;
        byValue.add(values);
        String column = "x." + quoted(key.get(i));
        if (n == 0 || values) {
          expressions.add("NULL::text[]");
        } else if (n == distinctValues) {
          expressions.add("array_agg(DISTINCT " + column + " ORDER BY " + column + ")::text[]");
        } else {
          String fractions = java.util.stream.IntStream.range(0, n)
              .mapToObj(j -> String.format(java.util.Locale.ROOT, "%.8f", j / (double) n))
              .collect(Collectors.joining(",", "ARRAY[", "]::float8[]"));
          expressions.add("percentile_disc(" + fractions + ") WITHIN GROUP (ORDER BY " + column + ")::text[]");
        }
      }
      List<List<String>> arrays = fetchArrays("SELECT " + String.join(", ", expressions) + " FROM " + sample + " x");
      for (int i = 0; i < key.size(); i++) {
        List<String> values = arrays.get(i);
        bucketing.add(byValue.get(i) ? Bucketing.BY_VALUE
            : new Bucketing(false, values == null ? List.of() : new ArrayList<>(new LinkedHashSet<>(values))));
      }
      return wanted;
    }

    private String chunkQuery(Side side, Map<String, String> types) {
      List<String> buckets = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (int i = 0; i < key.size(); i++) {
        Bucketing b = bucketing.get(i);
        if (b.byValue()) {
          buckets.add(column(key.get(i)) + " AS b" + i);
          names.add("b" + i);
        } else if (!b.bounds().isEmpty()) {
          String type = types.get(key.get(i));
          buckets.add("width_bucket(" + column(key.get(i)) + ", " + b.bounds().stream().map(v -> literal(v, type))
              .collect(Collectors.joining(", ", "ARRAY[", "]")) + ") AS b" + i);
          names.add("b" + i);
        }
      }
      String select = buckets.isEmpty() ? "" : String.join(", ", buckets) + ", ";
      String inner = "SELECT " + select + rowHash() + " AS h FROM " + side.from() + " s";
      return "SELECT '" + side.code() + "' AS side, "
          + names.stream().map(n -> n + "::text, ").collect(Collectors.joining())
          + "count(*)::text, coalesce(sum(h), 0)::text FROM (" + inner + ") x"
          + (names.isEmpty() ? "" : " GROUP BY " + String.join(", ", names));
    }

    private String rowHash() {
      if (compared.isEmpty()) {
        return "0::bigint";
      }
      return "hashtextextended(ROW(" + compared.stream().map(ParityComparison.this::column)
          .collect(Collectors.joining(", ")) + ")::text, 0)";
    }

    private Map<List<String>, String> rowHashes(Side side, Map<String, String> types, List<List<String>> cells) {
      List<String> predicates = new ArrayList<>();
      for (List<String> cell : cells) {
        predicates.add("(" + cellPredicate(cell, types) + ")");
      }
      String keys = key.stream().map(k -> column(k) + "::text").collect(Collectors.joining(", "));
      Map<List<String>, String> rows = new HashMap<>();
      for (String[] row : fetch("SELECT " + keys + ", " + rowHash() + "::text FROM " + side.from() + " s WHERE "
          + String.join(" OR ", predicates))) {
        List<String> k = new ArrayList<>(key.size());
        for (int i = 0; i < key.size(); i++) {
          k.add(row[i]);
        }
        rows.put(Collections.unmodifiableList(k), row[key.size()]);
      }
      return rows;
    }

    /** The key range of one chunk, as a condition on the side's columns. */
    private String cellPredicate(List<String> cell, Map<String, String> types) {
      List<String> parts = new ArrayList<>();
      int at = 0;
      for (int i = 0; i < key.size(); i++) {
        Bucketing bucketed = bucketing.get(i);
        if (!bucketed.used()) {
          continue;
        }
        String value = cell.get(at++);
        String column = column(key.get(i));
        String type = types.get(key.get(i));
        if (value == null) {
          parts.add(column + " IS NULL");
          continue;
        }
        if (bucketed.byValue()) {
          parts.add(column + " = " + literal(value, type));
          continue;
        }
        List<String> b = bucketed.bounds();
        int bucket = Integer.parseInt(value);
        if (bucket == 0) {
          parts.add(column + " < " + literal(b.get(0), type));
        } else if (bucket >= b.size()) {
          parts.add(column + " >= " + literal(b.get(b.size() - 1), type));
        } else {
          parts.add(column + " >= " + literal(b.get(bucket - 1), type) + " AND " + column + " < "
              + literal(b.get(bucket), type));
        }
      }
      return parts.isEmpty() ? "true" : String.join(" AND ", parts);
    }
  }

  /** Keys found to differ in one way: how many, and the first ones. */
  private static final class Diff {
    long count;
    final List<List<String>> first = new ArrayList<>();

    void add(List<String> key, int show) {
      count++;
      if (first.size() < show) {
        first.add(key);
      }
    }

    Map<String, Object> json(List<String> key, boolean complete) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("count", count);
      json.put("exact", complete);
      json.put("first", first.stream().map(k -> keyMap(key, k)).toList());
      return json;
    }
  }

  private static Map<String, String> keyMap(List<String> key, List<String> values) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < key.size(); i++) {
      map.put(key.get(i), values.get(i));
    }
    return map;
  }

  /** How a key column cuts the key space: by each of its values, by ranges between sorted bounds, or not at all. */
  private record Bucketing(boolean byValue, List<String> bounds) {
    static final Bucketing NONE = new Bucketing(false, List.of());
    static final Bucketing BY_VALUE = new Bucketing(true, List.of());

    boolean used() {
      return byValue || !bounds.isEmpty();
    }
  }

  /** Numbers as numbers, other values as text: the order keys are listed in. */
  private static final Comparator<String> VALUE_ORDER = (a, b) -> {
    java.math.BigDecimal x = number(a);
    java.math.BigDecimal y = number(b);
    return x != null && y != null ? x.compareTo(y) : a.compareTo(b);
  };

  /** The value as a number when it is one (digits, a sign, a point), else null; cheap for the rest. */
  private static java.math.BigDecimal number(String text) {
    int length = text.length();
    if (length == 0 || length > 40) {
      return null;
    }
    boolean digits = false;
    boolean point = false;
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        digits = true;
      } else if (c == '.' && !point) {
        point = true;
      } else if (!(c == '-' && i == 0)) {
        return null;
      }
    }
    return digits ? new java.math.BigDecimal(text) : null;
  }

  private static final Comparator<List<String>> KEY_ORDER = (a, b) -> {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = Comparator.nullsLast(VALUE_ORDER).compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  };

  // ---------------------------------------------------------------------------------- groups

  private record GroupComparison(String problem, String fine, Map<String, Object> json) {}

  private GroupComparison compareGroups(List<String> groupBy, List<String> aggregates) {
    String groups = groupBy.stream().map(this::column).collect(Collectors.joining(", "));
    String values = groupBy.stream().map(g -> column(g) + "::text").collect(Collectors.joining(", "));
    String computed = aggregates.stream().map(a -> "(" + a + ")::text").collect(Collectors.joining(", "));
    String statement = groupQuery(legacy, values, computed, groups) + "\nUNION ALL\n"
        + groupQuery(fresh, values, computed, groups);
    Map<List<String>, List<String>> legacyGroups = new TreeMap<>(KEY_ORDER);
    Map<List<String>, List<String>> newGroups = new TreeMap<>(KEY_ORDER);
    for (String[] row : fetch(statement)) {
      List<String> group = java.util.Arrays.asList(row).subList(1, 1 + groupBy.size());
      List<String> aggregate = java.util.Arrays.asList(row).subList(1 + groupBy.size(), row.length);
      (row[0].equals("l") ? legacyGroups : newGroups).put(group, aggregate);
    }
    TreeSet<List<String>> all = new TreeSet<>(KEY_ORDER);
    all.addAll(legacyGroups.keySet());
    all.addAll(newGroups.keySet());
    List<Map<String, Object>> differing = new ArrayList<>();
    List<String> words = new ArrayList<>();
    for (List<String> group : all) {
      List<String> before = legacyGroups.get(group);
      List<String> after = newGroups.get(group);
      if (Objects.equals(before, after)) {
        continue;
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("group", keyMap(groupBy, group));
      entry.put("legacy", before == null ? null : aggregateMap(aggregates, before));
      entry.put("new", after == null ? null : aggregateMap(aggregates, after));
      differing.add(entry);
      if (words.size() < show) {
        String name = groupText(groupBy, group);
        if (before == null) {
          words.add(name + " only in new (" + aggregateText(aggregates, after) + ")");
        } else if (after == null) {
          words.add(name + " missing in new (legacy " + aggregateText(aggregates, before) + ")");
        } else {
          List<String> parts = new ArrayList<>();
          for (int i = 0; i < aggregates.size(); i++) {
            if (!Objects.equals(before.get(i), after.get(i))) {
              parts.add(aggregates.get(i) + " " + before.get(i) + " legacy / " + after.get(i) + " new");
            }
          }
          words.add(name + ": " + String.join(", ", parts));
        }
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("by", groupBy);
    json.put("aggregates", aggregates);
    json.put("legacyGroups", legacyGroups.size());
    json.put("newGroups", newGroups.size());
    json.put("differing", differing);
    if (differing.isEmpty()) {
      return new GroupComparison(null, all.size() + " group" + (all.size() == 1 ? "" : "s") + " by ["
          + String.join(", ", groupBy) + "] match (" + String.join(", ", aggregates) + ")", json);
    }
    return new GroupComparison(differing.size() + " of " + all.size() + " groups by [" + String.join(", ", groupBy)
        + "] differ: " + String.join("; ", words) + (differing.size() > words.size() ? "; ..." : ""), null, json);
  }

  private String groupQuery(Side side, String values, String computed, String groups) {
    return "SELECT '" + side.code() + "', " + values + ", " + computed + " FROM " + side.from() + " s GROUP BY "
        + groups;
  }

  private static Map<String, String> aggregateMap(List<String> aggregates, List<String> values) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < aggregates.size(); i++) {
      map.put(aggregates.get(i), values.get(i));
    }
    return map;
  }

  private static String aggregateText(List<String> aggregates, List<String> values) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < aggregates.size(); i++) {
      parts.add(aggregates.get(i) + " " + values.get(i));
    }
    return String.join(", ", parts);
  }

  private static String groupText(List<String> groupBy, List<String> group) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < groupBy.size(); i++) {
      parts.add(groupBy.get(i) + "=" + group.get(i));
    }
    return String.join(", ", parts);
  }

  // --------------------------------------------------------------------------------- helpers

  /** The side's columns and their type names, in order, from a query that returns no rows. */
  private Map<String, String> columns(Side side) {
    Map<String, String> columns = new LinkedHashMap<>();
    sql.connection(connection -> {
      try (Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("SELECT * FROM " + side.from() + " s LIMIT 0")) {
        ResultSetMetaData meta = rs.getMetaData();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          columns.put(meta.getColumnLabel(i), meta.getColumnTypeName(i));
        }
      }
    });
    return columns;
  }

  private static void require(Side side, Map<String, String> columns, List<String> names, String field) {
    for (String name : names) {
      if (!columns.containsKey(name)) {
        throw new IllegalArgumentException("parity: " + field + " column '" + name + "' is not in the " + side.label()
            + " side, whose columns are: " + String.join(", ", columns.keySet()));
      }
    }
  }

  private long estimate(Side side) {
    if (side.table() != null && side.where() == null) {
      String[] row = fetch("SELECT c.reltuples::bigint::text FROM pg_catalog.pg_class c WHERE c.oid = to_regclass("
          + sql.render(DSL.inline(side.table())) + ")").get(0);
      long estimate = row[0] == null ? -1 : Long.parseLong(row[0]);
      if (estimate >= 0) {
        return estimate;
      }
    }
    return Long.parseLong(fetch("SELECT count(*)::text FROM " + side.from() + " s").get(0)[0]);
  }

  private String column(String name) {
    return sql.render(DSL.name("s", name));
  }

  private String quoted(String name) {
    return sql.render(DSL.name(name));
  }

  /** A key value (text, as the database printed it) as a literal of the column's type. */
  private String literal(String value, String type) {
    if (value == null) {
      return "NULL";
    }
    String typeName = type.contains("\"") || type.contains(".") ? type : sql.render(DSL.name(type));
    return sql.render(DSL.inline(value)) + "::" + typeName;
  }

  private static String thousands(long count) {
    return String.format(java.util.Locale.ROOT, "%,d", count);
  }

  private static String quote(String value) {
    return value == null ? "NULL" : "'" + CheckStep.shorten(value) + "'";
  }

  private List<String[]> fetch(String statementText) {
    List<String[]> rows = new ArrayList<>();
    sql.connection(connection -> {
      try (Statement statement = connection.createStatement()) {
        statement.setFetchSize(5_000);
        try (ResultSet rs = statement.executeQuery(statementText)) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            String[] row = new String[columns];
            for (int i = 0; i < columns; i++) {
              row[i] = rs.getString(i + 1);
            }
            rows.add(row);
          }
        }
      }
    });
    return rows;
  }

  private List<List<String>> fetchArrays(String statementText) {
    List<List<String>> arrays = new ArrayList<>();
    sql.connection(connection -> {
      try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(statementText)) {
        rs.next();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          Array array = rs.getArray(i);
          arrays.add(array == null ? null : java.util.Arrays.asList((String[]) array.getArray()));
        }
      }
    });
    return arrays;
  }

  private static String stripSemicolons(String query) {
    String text = query.strip();
    while (text.endsWith(";")) {
      text = text.substring(0, text.length() - 1).strip();
    }
    return text;
  }
}
