package cutover.activities.explain;

import static cutover.db.Tables.BACKFILL_CHECKPOINT;
import static cutover.db.Tables.RUN;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.activities.StepAction;
import cutover.activities.Targets;
import cutover.activities.explain.TargetFacts.MeasuredRate;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * Reads a plan's facts from the target: sizes from {@code pg_class.reltuples}, the planner's
 * estimates by {@code EXPLAIN} (never ANALYZE: nothing is run), in a read-only transaction with
 * short lock and statement timeouts, and the backfill rates of the ledger's completed runs.
 */
public final class ExplainActivitiesImpl implements ExplainActivities {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** EXPLAIN plans a statement and so locks its tables briefly: it gives up rather than queue. */
  private static final Duration LOCK_TIMEOUT = Duration.ofMillis(200);
  private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(5);
  /** The rates of the latest completed backfills count, so an old slow run fades out. */
  private static final int RECENT_RUNS = 20;

  private final Targets targets;

  public ExplainActivitiesImpl(Targets targets) {
    this.targets = targets;
  }

  @Override
  public TargetFacts targetFacts(TargetFactsRequest request) {
    if (request == null || !targets.has(request.target())) {
      throw ApplicationFailure.newNonRetryableFailure("target '" + (request == null ? null : request.target())
          + "' is not configured on the worker; it has: " + String.join(", ", targets.names()), "UnknownTarget");
    }
    DSLContext dsl = targets.dsl(request.target());
    List<String> problems = new ArrayList<>();
    Map<String, Long> tables = new LinkedHashMap<>();
    Map<String, Long> estimates = new LinkedHashMap<>();
    dsl.transaction(configuration -> {
      DSLContext tx = DSL.using(configuration);
      tx.execute("SET TRANSACTION READ ONLY");
      tx.execute("SET LOCAL lock_timeout = " + LOCK_TIMEOUT.toMillis());
      tx.execute("SET LOCAL statement_timeout = " + STATEMENT_TIMEOUT.toMillis());
      for (String table : request.tables()) {
        Long reltuples = tx.select(DSL.field("c.reltuples", Double.class))
            .from(DSL.table("pg_class").as("c"))
            .where(DSL.field("c.oid").eq(DSL.field("to_regclass({0})", Object.class, DSL.val(table))))
            .fetchOptional(0, Double.class).filter(r -> r >= 0).map(Math::round).orElse(null);
        if (reltuples != null) {
          tables.put(table, reltuples);
        }
      }
      for (TargetFactsRequest.StepQuery query : request.queries()) {
        Long rows = estimate(tx, query.sql(), problems, query.step());
        if (rows != null) {
          estimates.put(query.step(), rows);
        }
      }
    });
    Map<String, MeasuredRate> rates = new HashMap<>();
    MeasuredRate targetRate = rates(dsl, request.plan(), rates);
    return new TargetFacts(request.target(), tables, estimates, rates, targetRate, problems);
  }

  /** The planner's row estimate for a statement: the top node's rows, or, for a modification, its input's. */
  private static Long estimate(DSLContext tx, String sql, List<String> problems, String step) {
    try {
      tx.execute("SAVEPOINT cutover_explain");
      String text = tx.fetchValue("EXPLAIN (FORMAT JSON) " + sql).toString();
      tx.execute("RELEASE SAVEPOINT cutover_explain");
      JsonNode plan = JSON.readTree(text).get(0).get("Plan");
      if ("ModifyTable".equals(plan.path("Node Type").asText()) && plan.has("Plans")) {
        plan = plan.get("Plans").get(0);
      }
      return plan.path("Plan Rows").asLong();
    } catch (Exception unexplained) {
      tx.execute("ROLLBACK TO SAVEPOINT cutover_explain");
      problems.add("step " + step + ": no row estimate (EXPLAIN failed: "
          + String.valueOf(unexplained.getMessage()).lines().findFirst().orElse("") + ")");
      return null;
    }
  }

  /**
   * Rates of completed backfills (every part done): rows over the time from the first part's start to
   * the last part's last batch. Per step of this plan, and the median over the target's latest runs.
   */
  private static MeasuredRate rates(DSLContext dsl, String plan, Map<String, MeasuredRate> byStep) {
    var rows = dsl.select(BACKFILL_CHECKPOINT.RUN_ID, BACKFILL_CHECKPOINT.STEP_ID, RUN.PLAN_NAME,
            DSL.sum(BACKFILL_CHECKPOINT.ROWS_DONE).as("rows"), DSL.min(BACKFILL_CHECKPOINT.STARTED_AT).as("first"),
            DSL.max(BACKFILL_CHECKPOINT.UPDATED_AT).as("last"))
        .from(BACKFILL_CHECKPOINT).join(RUN).on(RUN.RUN_ID.eq(BACKFILL_CHECKPOINT.RUN_ID))
        .where(BACKFILL_CHECKPOINT.ACTION.eq(StepAction.APPLY.word()))
        .groupBy(BACKFILL_CHECKPOINT.RUN_ID, BACKFILL_CHECKPOINT.STEP_ID, RUN.PLAN_NAME)
        .having(DSL.boolAnd(BACKFILL_CHECKPOINT.STATE.eq("done")))
        .orderBy(DSL.max(BACKFILL_CHECKPOINT.UPDATED_AT).desc())
        .fetch();
    List<Double> recent = new ArrayList<>();
    Map<String, List<Double>> steps = new HashMap<>();
    Map<String, String> lastRun = new HashMap<>();
    for (Record row : rows) {
      Double rate = rate(row.get("rows", Long.class), row.get("first", OffsetDateTime.class),
          row.get("last", OffsetDateTime.class));
      if (rate == null) {
        continue;
      }
      if (recent.size() < RECENT_RUNS) {
        recent.add(rate);
      }
      if (plan != null && plan.equals(row.get(RUN.PLAN_NAME))) {
        String step = row.get(BACKFILL_CHECKPOINT.STEP_ID);
        steps.computeIfAbsent(step, s -> new ArrayList<>()).add(rate);
        lastRun.putIfAbsent(step, row.get(BACKFILL_CHECKPOINT.RUN_ID));
      }
    }
    steps.forEach((step, measured) -> byStep.put(step, new MeasuredRate(median(measured), measured.size(),
        lastRun.get(step))));
    return recent.isEmpty() ? null : new MeasuredRate(median(recent), recent.size(), null);
  }

  private static Double rate(Long rows, OffsetDateTime first, OffsetDateTime last) {
    if (rows == null || rows <= 0 || first == null || last == null) {
      return null;
    }
    long millis = Math.max(1, Duration.between(first, last).toMillis());
    return rows * 1000.0 / millis;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }
}
