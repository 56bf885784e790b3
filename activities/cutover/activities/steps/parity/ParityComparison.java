package cutover.activities.steps.parity;

import cutover.activities.steps.StepContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;

/**
 * One comparison of a parity step, in one transaction: by key ({@link RowComparison}, with
 * {@code key:}) and by group ({@link GroupComparison}, with {@code groupBy:}), in one report.
 *
 * <p>Identifiers are quoted by jOOQ; plan SQL (a side's query or where, aggregates) runs as
 * written inside the statements built here, through plain JDBC statements ({@link ParityReads}).
 */
final class ParityComparison {

  record Result(boolean holds, String summary, Long rows, long millis, Map<String, Object> report) {}

  /**
   * What one of the comparisons found: a problem, or (null problem) what holds.
   *
   * @param rows the legacy rows compared, or null when no rows were
   */
  record Finding(String problem, String fine, Map<String, Object> json, Long rows) {}

  private final StepContext context;
  private final ParityReads reads;
  private final ParityReads legacyReads;
  private final ParityReads newReads;
  private final ParitySpec spec;

  /** @param sql the transaction the comparison reads in */
  ParityComparison(StepContext context, ParitySpec spec, DSLContext sql) {
    this(context, spec, sql, null, null);
  }

  /**
   * @param legacySql the transaction on the legacy side's other target, or null when it is read in {@code sql}
   * @param newSql the same for the new side
   */
  ParityComparison(StepContext context, ParitySpec spec, DSLContext sql, DSLContext legacySql, DSLContext newSql) {
    this.context = context;
    this.reads = new ParityReads(sql);
    this.legacyReads = legacySql == null ? reads : new ParityReads(legacySql);
    this.newReads = newSql == null ? reads : new ParityReads(newSql);
    this.spec = spec;
  }

  Result run() {
    long started = System.nanoTime();
    ComparedSide legacy = ComparedSide.read("l", "legacy", spec.legacy(), legacyReads);
    ComparedSide fresh = ComparedSide.read("n", "new", spec.fresh(), newReads);
    Map<String, String> legacyColumns = legacy.columns();
    Map<String, String> newColumns = fresh.columns();
    List<String> key = spec.key();
    List<String> groupBy = spec.groupBy();
    List<String> compared = spec.columns();
    legacy.require(key, "key");
    fresh.require(key, "key");
    legacy.require(groupBy, "groupBy");
    fresh.require(groupBy, "groupBy");
    if (compared.isEmpty()) {
      compared = newColumns.keySet().stream().filter(legacyColumns::containsKey).filter(c -> !key.contains(c)).toList();
    } else {
      legacy.require(compared, "columns");
      fresh.require(compared, "columns");
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
      List<String> onlyLegacy = legacyColumns.keySet().stream().filter(c -> !newColumns.containsKey(c)).toList();
      List<String> onlyNew = newColumns.keySet().stream().filter(c -> !legacyColumns.containsKey(c)).toList();
      if (!onlyLegacy.isEmpty() || !onlyNew.isEmpty()) {
        Map<String, Object> notCompared = new LinkedHashMap<>();
        notCompared.put("legacyOnly", onlyLegacy);
        notCompared.put("newOnly", onlyNew);
        report.put("notCompared", notCompared);
      }
      List<String> byValue = reads.compareByValue(compared, legacyColumns, newColumns);
      if (!byValue.isEmpty()) {
        report.put("comparedByValue", byValue);
      }
      Finding byKey = new RowComparison(context, reads, legacy, fresh, key, compared).run(spec.chunkRows(), spec.show());
      report.put("rows", byKey.json());
      rows = byKey.rows();
      add(byKey, problems, fine);
    }
    if (!groupBy.isEmpty()) {
      Finding byGroup = new GroupComparison(reads, legacy, fresh).run(groupBy, spec.aggregates(), spec.groups(),
          spec.show());
      report.put("groups", byGroup.json());
      add(byGroup, problems, fine);
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    report.put("millis", millis);
    report.put("holds", problems.isEmpty());
    String summary = problems.isEmpty() ? String.join("; ", fine) : String.join("; ", problems);
    return new Result(problems.isEmpty(), summary, rows, millis, report);
  }

  private static void add(Finding finding, List<String> problems, List<String> fine) {
    if (finding.problem() == null) {
      fine.add(finding.fine());
    } else {
      problems.add(finding.problem());
    }
  }
}
