package cutover.activities.steps.parity;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The key space cut into chunks: per key column, from a sample of keys, either its own values
 * (a few, each seen often: tenants), ranges between sorted bounds computed by the database (so
 * ranges follow its ordering and collation), or no cut at all. A chunk ("cell") is one value or
 * range number per cut column.
 */
final class KeyChunks {
  static final int MAX_CHUNKS = 5_000;

  /** How a key column cuts the key space: by each of its values, by ranges between sorted bounds, or not at all. */
  private record Bucketing(boolean byValue, List<String> bounds) {
    static final Bucketing NONE = new Bucketing(false, List.of());
    static final Bucketing BY_VALUE = new Bucketing(true, List.of());

    boolean used() {
      return byValue || !bounds.isEmpty();
    }
  }

  private final ParityReads reads;
  private final List<String> key;
  private final List<Bucketing> bucketing;
  private final int planned;

  private KeyChunks(ParityReads reads, List<String> key, List<Bucketing> bucketing, int planned) {
    this.reads = reads;
    this.key = key;
    this.bucketing = bucketing;
    this.planned = planned;
  }

  /** Computes each key column's cut from a sample of keys, aiming at chunks of about {@code chunkRows} rows. */
  static KeyChunks cut(ParityReads reads, ComparedSide legacy, ComparedSide fresh, List<String> key, int chunkRows) {
    // the key sample comes from a table where there is one (TABLESAMPLE reads a few pages), legacy first:
    // it is the side that holds the data; an empty new table would give one chunk of everything
    ComparedSide sampled = legacy;
    long estimate = -1;
    if (legacy.table() == null && fresh.table() != null) {
      estimate = fresh.reads().estimate(fresh);
      sampled = estimate >= 1_000 ? fresh : legacy;
    }
    if (sampled == legacy) {
      estimate = legacy.reads().estimate(legacy);
    }
    int wanted = (int) Math.max(1, Math.min(MAX_CHUNKS, (estimate + chunkRows - 1) / chunkRows));
    List<Bucketing> bucketing = new ArrayList<>();
    if (wanted == 1) {
      key.forEach(k -> bucketing.add(Bucketing.NONE));
      return new KeyChunks(reads, key, bucketing, 1);
    }
    String keys = key.stream().map(reads::column).collect(Collectors.joining(", "));
    long sampleRows = Math.min(estimate, wanted * 10L + 100);
    double percent = Math.min(100.0, 100.0 * sampleRows / Math.max(1, estimate));
    String sample;
    if (estimate <= 100_000 || percent >= 100.0) {
      sample = "(SELECT " + keys + " FROM " + sampled.from() + " s)";
    } else if (sampled.table() != null) {
      sample = "(SELECT " + keys + " FROM " + sampled.table() + " AS s TABLESAMPLE SYSTEM ("
          + String.format(Locale.ROOT, "%.6f", percent) + ") REPEATABLE (7)"
          + (sampled.where() == null ? "" : " WHERE (" + sampled.where() + ")") + ")";
    } else {
      sample = "(SELECT " + keys + " FROM " + sampled.from() + " s WHERE random() < "
          + String.format(Locale.ROOT, "%.8f", percent / 100) + ")";
    }
    String distinct = key.stream().map(k -> "count(DISTINCT x." + reads.quoted(k) + ")")
        .collect(Collectors.joining(", "));
    String[] counts = sampled.reads().fetch("SELECT count(*), " + distinct + " FROM " + sample + " x").get(0);
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
      String column = "x." + reads.quoted(key.get(i));
      if (n == 0 || values) {
        expressions.add("NULL::text[]");
      } else if (n == distinctValues) {
        expressions.add("array_agg(DISTINCT " + column + " ORDER BY " + column + ")::text[]");
      } else {
        String fractions = IntStream.range(0, n)
            .mapToObj(j -> String.format(Locale.ROOT, "%.8f", j / (double) n))
            .collect(Collectors.joining(",", "ARRAY[", "]::float8[]"));
        expressions.add("percentile_disc(" + fractions + ") WITHIN GROUP (ORDER BY " + column + ")::text[]");
      }
    }
    List<List<String>> arrays = sampled.reads().fetchArrays("SELECT " + String.join(", ", expressions) + " FROM " + sample + " x");
    for (int i = 0; i < key.size(); i++) {
      List<String> values = arrays.get(i);
      bucketing.add(byValue.get(i) ? Bucketing.BY_VALUE
          : new Bucketing(false, values == null ? List.of() : new ArrayList<>(new LinkedHashSet<>(values))));
    }
    return new KeyChunks(reads, key, bucketing, wanted);
  }

  /** The chunks aimed for. */
  int planned() {
    return planned;
  }

  /** How many key columns cut the key space: the values a cell has. */
  int cutColumns() {
    return (int) bucketing.stream().filter(Bucketing::used).count();
  }

  /**
   * Per chunk of the side: its code, the cell's values, the row count and the sum of the row
   * hashes, all as text.
   */
  String totalsQuery(ComparedSide side, String rowHash) {
    List<String> buckets = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < key.size(); i++) {
      Bucketing b = bucketing.get(i);
      if (b.byValue()) {
        buckets.add(reads.column(key.get(i)) + " AS b" + i);
        names.add("b" + i);
      } else if (!b.bounds().isEmpty()) {
        String type = side.columns().get(key.get(i));
        buckets.add("width_bucket(" + reads.column(key.get(i)) + ", " + b.bounds().stream()
            .map(v -> reads.literal(v, type)).collect(Collectors.joining(", ", "ARRAY[", "]")) + ") AS b" + i);
        names.add("b" + i);
      }
    }
    String select = buckets.isEmpty() ? "" : String.join(", ", buckets) + ", ";
    String inner = "SELECT " + select + rowHash + " AS h FROM " + side.from() + " s";
    return "SELECT '" + side.code() + "' AS side, "
        + names.stream().map(n -> n + "::text, ").collect(Collectors.joining())
        + "count(*)::text, coalesce(sum(h), 0)::text FROM (" + inner + ") x"
        + (names.isEmpty() ? "" : " GROUP BY " + String.join(", ", names));
  }

  /** The key range of one chunk, as a condition on the side's columns. */
  String predicate(List<String> cell, ComparedSide side) {
    List<String> parts = new ArrayList<>();
    int at = 0;
    for (int i = 0; i < key.size(); i++) {
      Bucketing bucketed = bucketing.get(i);
      if (!bucketed.used()) {
        continue;
      }
      String value = cell.get(at++);
      String column = reads.column(key.get(i));
      String type = side.columns().get(key.get(i));
      if (value == null) {
        parts.add(column + " IS NULL");
        continue;
      }
      if (bucketed.byValue()) {
        parts.add(column + " = " + reads.literal(value, type));
        continue;
      }
      List<String> b = bucketed.bounds();
      int bucket = Integer.parseInt(value);
      if (bucket == 0) {
        parts.add(column + " < " + reads.literal(b.get(0), type));
      } else if (bucket >= b.size()) {
        parts.add(column + " >= " + reads.literal(b.get(b.size() - 1), type));
      } else {
        parts.add(column + " >= " + reads.literal(b.get(bucket - 1), type) + " AND " + column + " < "
            + reads.literal(b.get(bucket), type));
      }
    }
    return parts.isEmpty() ? "true" : String.join(" AND ", parts);
  }
}
