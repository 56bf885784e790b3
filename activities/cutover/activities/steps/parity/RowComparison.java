package cutover.activities.steps.parity;

import cutover.activities.steps.StepContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The rows of both sides compared by key: the key space is cut into chunks ({@link KeyChunks});
 * one statement hashes the compared columns of every row on both sides and sums the hashes per
 * chunk, with a count. Chunks whose count or sum differ are read again ({@link RowRecheck}).
 *
 * @param compared the columns hashed; empty: keys only
 */
record RowComparison(StepContext context, ParityReads reads, ComparedSide legacy, ComparedSide fresh,
    List<String> key, List<String> compared) {

  /** @param show how many differing keys to name, per way of differing */
  ParityComparison.Finding run(int chunkRows, int show) {
    Map<String, Object> json = new LinkedHashMap<>();
    long began = System.nanoTime();
    KeyChunks chunks = KeyChunks.cut(reads, legacy, fresh, key, chunkRows);
    long sampled = System.nanoTime();
    json.put("sampleMillis", (sampled - began) / 1_000_000);
    Map<List<String>, String[]> legacyChunks = new HashMap<>();
    Map<List<String>, String[]> newChunks = new HashMap<>();
    String rowHash = reads.rowHash(compared);
    int buckets = chunks.cutColumns();
    for (String[] row : ComparedSide.fetchBoth(legacy, chunks.totalsQuery(legacy, rowHash), fresh,
        chunks.totalsQuery(fresh, rowHash))) {
      List<String> cell = new ArrayList<>();
      for (int i = 0; i < buckets; i++) {
        cell.add(row[1 + i]);
      }
      String[] totals = {row[1 + buckets], row[2 + buckets]};
      (row[0].equals(legacy.code()) ? legacyChunks : newChunks).put(cell, totals);
    }
    json.put("hashMillis", (System.nanoTime() - sampled) / 1_000_000);
    long legacyRows = legacyChunks.values().stream().mapToLong(t -> Long.parseLong(t[0])).sum();
    long newRows = newChunks.values().stream().mapToLong(t -> Long.parseLong(t[0])).sum();
    List<List<String>> differing = new ArrayList<>();
    TreeSet<List<String>> cells = new TreeSet<>(Keys.ORDER);
    cells.addAll(legacyChunks.keySet());
    cells.addAll(newChunks.keySet());
    for (List<String> cell : cells) {
      if (!Arrays.equals(legacyChunks.get(cell), newChunks.get(cell))) {
        differing.add(cell);
      }
    }
    cutover.activities.StepMetrics.parityChunks(context.target(), cells.size(), differing.size());
    json.put("legacyRows", legacyRows);
    json.put("newRows", newRows);
    json.put("chunksPlanned", chunks.planned());
    json.put("chunks", cells.size());
    json.put("differingChunks", differing.size());
    if (differing.isEmpty()) {
      String columns = compared.isEmpty() ? "keys only" : String.join(", ", compared) + " compared";
      String fine = String.format(Locale.ROOT, "%,d rows match by key [%s] in %d chunk%s (%s)", legacyRows,
          String.join(", ", key), cells.size(), cells.size() == 1 ? "" : "s", columns);
      return new ParityComparison.Finding(null, fine, json, legacyRows);
    }
    return new RowRecheck(this, chunks, show).run(differing, legacyRows, newRows, legacyChunks, newChunks, json);
  }
}
