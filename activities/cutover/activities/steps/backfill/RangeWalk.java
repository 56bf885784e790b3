package cutover.activities.steps.backfill;

import java.math.BigInteger;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Key ranges split from a sample of the part's keys, the filter applied inside each range: no
 * bound query per batch, so a source without pages of its own (a view, a {@code query:}, a
 * partitioned table) is read once per batch, not twice. The sample is taken when an attempt of
 * the part starts, from its checkpoint on ({@code TABLESAMPLE} of a table, a random filter of a
 * view or query); each sampled key stands for the same number of rows, so a batch of n rows
 * ends n rows' worth of sample keys further. A range is exact whatever the sample: the batch
 * takes every row after the checkpoint up to its end key, and the last batch ends at the part's
 * upper key. A key of one integer column needs no sample: its ranges are spans of values, sized by
 * the rows per value the batches so far found.
 */
final class RangeWalk implements BatchWalk {
  /** Keys sampled per part attempt: enough for batches of ~1/1000 of the part, cheap to hold (text keys). */
  static final int SAMPLE_KEYS = 20_000;

  private final BackfillSql.Walk relation;
  private final boolean sampledByPage;
  private List<List<String>> sample;
  private double rowsPerKey;
  private boolean complete;
  private int index;
  /** For one integer key column: rows per key value, learnt batch by batch; ranges by arithmetic, no sample. */
  private Double density;
  private long span;

  RangeWalk(BackfillSql.Walk relation, boolean sampledByPage) {
    this.relation = relation;
    this.sampledByPage = sampledByPage;
  }

  @Override
  public Range next(DSLContext sql, Checkpoints.Part part, int rows) {
    BackfillSql.Walk keyed = relation.withTypes(part.keyTypes());
    List<String> from = part.resumeFrom();
    boolean inclusive = part.resumeInclusive();
    if (!inclusive && from.equals(part.upper())) {
      return null;
    }
    if (keyed.key().size() == 1 && BackfillSql.INTEGERS.contains(keyed.types().get(0))) {
      return byValue(sql, keyed, part, from, inclusive, rows);
    }
    if (sample == null || (!complete && index >= sample.size() - 1)) {
      BackfillSql.Sample taken = BackfillSql.sampleKeys(sql, keyed, sampledByPage, from, inclusive, part.upper(),
          SAMPLE_KEYS);
      sample = taken.keys();
      rowsPerKey = taken.rowsPerKey();
      complete = taken.complete();
      index = -1;
    }
    index += (int) Math.max(1, Math.round(rows / rowsPerKey));
    // a sampled key equal to the checkpoint (a key that is not unique) would make an empty range
    while (!inclusive && index < sample.size() && sample.get(index).equals(from)) {
      index++;
    }
    if (!complete && index >= sample.size()) {
      index = sample.size() - 1; // a cut sample: end at its last key, and sample again from there
    }
    List<String> end = index >= 0 && index < sample.size() ? sample.get(index) : part.upper();
    if (!inclusive && end.equals(from)) {
      end = part.upper(); // a cut sample of one repeated key: the rest of the part in one batch
    }
    return new Range(keyed.range(from, inclusive, end), end);
  }

  /**
   * A range of an integer key by arithmetic: as many key values as hold about {@code rows} rows
   * at the density seen so far (at first the part's estimate, but at least 1/{@link
   * PageWalk#FIRST_BATCH_SPREAD} of the density without the filter, which the planner may have
   * guessed far too selective), growing at most fourfold a batch.
   */
  private Range byValue(DSLContext sql, BackfillSql.Walk keyed, Checkpoints.Part part, List<String> from,
      boolean inclusive, int rows) {
    BigInteger first = new BigInteger(from.get(0)).add(inclusive ? BigInteger.ZERO : BigInteger.ONE);
    BigInteger last = new BigInteger(part.upper().get(0));
    if (first.compareTo(last) > 0) {
      return null;
    }
    if (density == null) {
      double values = last.subtract(new BigInteger(part.lower().get(0))).add(BigInteger.ONE).doubleValue();
      density = part.estimatedRows() == null || values <= 0 ? 1.0 : Math.max(1e-9, part.estimatedRows() / values);
      if (values > 0) {
        long unfiltered = BackfillSql.estimate(sql, DSL.selectOne().from(keyed.table())
            .where(keyed.range(part.lower(), part.lowerInclusive(), part.upper())));
        density = Math.max(density, unfiltered / values / PageWalk.FIRST_BATCH_SPREAD);
      }
    }
    long wanted = (long) Math.max(1, Math.min(Long.MAX_VALUE / 8.0, rows / density));
    span = span == 0 ? wanted : Math.min(wanted, span * 4);
    BigInteger end = first.add(BigInteger.valueOf(span - 1)).min(last);
    span = end.subtract(first).add(BigInteger.ONE).longValueExact();
    List<String> to = List.of(end.toString());
    return new Range(keyed.range(from, inclusive, to), to);
  }

  @Override
  public void observe(Range range, long rows) {
    if (density != null && span > 0) {
      density = Math.max(Math.max(rows, 1) / (double) span, 1e-9);
    }
  }
}
