package cutover.activities.steps.parity;

import cutover.activities.steps.check.CheckStep;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The chunks whose count or hash sum differ, read again row by row (key and hash only), in
 * batches small enough to read; the differing keys named: missing (in legacy, not in new),
 * extra (in new only), changed (with the first changed rows' differing columns).
 */
final class RowRecheck {
  /** Rows read again at most, per side, when rechecking differing chunks. */
  static final int RECHECK_ROWS = 500_000;
  static final int CHUNKS_PER_RECHECK_QUERY = 25;
  static final int COLUMN_DIFFS = 5;

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
      json.put("first", first.stream().map(k -> Keys.map(key, k)).toList());
      return json;
    }
  }

  private final RowComparison comparison;
  private final ParityReads reads;
  private final List<String> key;
  private final List<String> compared;
  private final KeyChunks chunks;
  private final int show;

  RowRecheck(RowComparison comparison, KeyChunks chunks, int show) {
    this.comparison = comparison;
    reads = comparison.reads();
    key = comparison.key();
    compared = comparison.compared();
    this.chunks = chunks;
    this.show = show;
  }

  /**
   * Reads the differing chunks again and names what differs; adds what it found to {@code json}.
   *
   * @param legacyChunks per chunk, its row count and hash sum on the legacy side
   */
  ParityComparison.Finding run(List<List<String>> differing, long legacyRows, long newRows,
      Map<List<String>, String[]> legacyChunks, Map<List<String>, String[]> newChunks, Map<String, Object> json) {
    long began = System.nanoTime();
    Diff missing = new Diff();
    Diff extra = new Diff();
    Diff changed = new Diff();
    int rechecked = 0;
    long read = 0;
    for (List<List<String>> cells : batches(differing, legacyChunks, newChunks)) {
      Map<List<String>, String> legacyRowsRead = rowHashes(comparison.legacy(), cells);
      Map<List<String>, String> newRowsRead = rowHashes(comparison.fresh(), cells);
      read += Math.max(legacyRowsRead.size(), newRowsRead.size());
      rechecked += cells.size();
      TreeSet<List<String>> keys = new TreeSet<>(Keys.ORDER);
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
      comparison.context().environment().heartbeat();
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
      String problem = String.format(Locale.ROOT, "rows by key [%s] differ (%,d legacy, %,d new) in %d chunk%s too "
          + "large to read again row by row; lower chunkRows: to find which", String.join(", ", key), legacyRows, newRows,
          differing.size() - rechecked, differing.size() - rechecked == 1 ? "" : "s");
      return new ParityComparison.Finding(problem, null, json, legacyRows);
    }
    if (missing.count + extra.count + changed.count == 0) {
      String fine = String.format(Locale.ROOT,
          "%,d rows match by key [%s]: %d chunk%s differed on the first pass but no row differs on recheck "
              + "(rows changed while comparing)", legacyRows, String.join(", ", key), differing.size(),
          differing.size() == 1 ? "" : "s");
      return new ParityComparison.Finding(null, fine, json, legacyRows);
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
    String problem = String.format(Locale.ROOT, "rows by key [%s] differ (%,d legacy, %,d new): %s",
        String.join(", ", key), legacyRows, newRows, String.join("; ", parts)) + (complete ? ""
            : " (rechecked " + rechecked + " of " + differing.size() + " differing chunks)");
    return new ParityComparison.Finding(problem, null, json, legacyRows);
  }

  /** Batches of chunks small enough to read row by row; a chunk too large alone is not read. */
  private static List<List<List<String>>> batches(List<List<String>> differing,
      Map<List<String>, String[]> legacyChunks, Map<List<String>, String[]> newChunks) {
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
    return batches;
  }

  private static long rowsIn(Map<List<String>, String[]> chunks, List<String> cell) {
    String[] totals = chunks.get(cell);
    return totals == null ? 0 : Long.parseLong(totals[0]);
  }

  /** Per key of the side's rows in the chunks, the row's hash. */
  private Map<List<String>, String> rowHashes(ComparedSide side, List<List<String>> cells) {
    List<String> predicates = new ArrayList<>();
    for (List<String> cell : cells) {
      predicates.add("(" + chunks.predicate(cell, side) + ")");
    }
    String keys = key.stream().map(k -> reads.column(k) + "::text").collect(Collectors.joining(", "));
    Map<List<String>, String> rows = new HashMap<>();
    for (String[] row : side.reads().fetch("SELECT " + keys + ", " + reads.rowHash(compared) + "::text FROM "
        + side.from() + " s WHERE " + String.join(" OR ", predicates))) {
      List<String> k = new ArrayList<>(key.size());
      for (int i = 0; i < key.size(); i++) {
        k.add(row[i]);
      }
      rows.put(Collections.unmodifiableList(k), row[key.size()]);
    }
    return rows;
  }

  /** The compared columns of one changed row on both sides, and which differ. */
  private Map<String, Object> columnDiff(List<String> k) {
    Map<String, Object> diff = new LinkedHashMap<>();
    diff.put("key", Keys.map(key, k));
    String[] before = oneRow(comparison.legacy(), k);
    String[] after = oneRow(comparison.fresh(), k);
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

  private String[] oneRow(ComparedSide side, List<String> k) {
    List<String> where = new ArrayList<>();
    for (int i = 0; i < key.size(); i++) {
      String column = reads.column(key.get(i));
      where.add(k.get(i) == null ? column + " IS NULL"
          : column + " = " + reads.literal(k.get(i), side.columns().get(key.get(i))));
    }
    String select = compared.stream().map(c -> reads.compared(c) + "::text").collect(Collectors.joining(", "));
    List<String[]> rows = side.reads().fetch("SELECT " + select + " FROM " + side.from() + " s WHERE "
        + String.join(" AND ", where) + " LIMIT 1");
    return rows.isEmpty() ? null : rows.get(0);
  }

  private String keys(List<List<String>> keys) {
    return keys.stream().limit(show).map(this::keyText).collect(Collectors.joining(", "));
  }

  private String keyText(List<String> values) {
    return "(" + Keys.text(key, values) + ")";
  }

  private static String thousands(long count) {
    return String.format(Locale.ROOT, "%,d", count);
  }

  private static String quote(String value) {
    return value == null ? "NULL" : "'" + CheckStep.shorten(value) + "'";
  }
}
