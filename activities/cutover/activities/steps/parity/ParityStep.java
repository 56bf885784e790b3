package cutover.activities.steps.parity;

import cutover.activities.steps.DefinedKind;
import cutover.activities.steps.ExecutedKind;
import cutover.activities.steps.Json;
import cutover.activities.steps.ReportOnly;
import cutover.activities.steps.SqlTimeouts;
import cutover.activities.steps.StepContext;
import cutover.activities.steps.StepOutcome;
import cutover.plan.StepFields;
import cutover.plan.Undo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jooq.DSLContext;

/**
 * {@code kind: parity} — compares legacy and new rows; fails with a readable summary on any
 * mismatch and writes its findings as JSON to {@code cutover.step_report}.
 *
 * <pre>
 * legacy: {table: contracts, where: is_template}     # or {query: SELECT ...}
 * new:    {table: contract_templates}
 * key: [tenant, template_id]          # row-level comparison by key
 * columns: [template_name]            # compared columns (default: every column both sides share)
 * groupBy: [tenant]                   # counts / aggregates per group
 * groups: {table: tenants, key: [id]} # every group, also one with no rows on either side
 * aggregates: ["count(*)", "sum(rate)"]
 * times: 3                            # must hold 3 times in a row, interval: apart
 * </pre>
 *
 * <p>Rows are compared in key-range chunks: both sides are hashed inside the database, per chunk,
 * in one statement (one snapshot); only chunks whose count or hash sum differ are read again,
 * row by row, to name the first differing keys. See {@link ParityComparison}.
 *
 * <p>A side may be read on another target ({@code legacy: {target: staging, table: users}}): its rows
 * are hashed there, on its own connection, and the chunk totals compared here.
 *
 * <p>Each pass runs in a transaction of its own (with the step's timeouts), not in the ledger's:
 * no lock on the compared tables is held between passes, however long the interval.
 */
public final class ParityStep extends DefinedKind<ParitySpec> implements ExecutedKind<ParitySpec> {
  public static final String NAME = "parity";

  public ParityStep() {
    super(NAME, Undo.NOTHING, Execution.OUTSIDE_TRANSACTION, ParitySpec.class);
  }

  @Override
  public boolean repeatable() {
    return true;
  }

  @Override
  public ParitySpec read(StepFields fields) {
    ParitySpec.Side legacy = side(fields, "legacy");
    ParitySpec.Side fresh = side(fields, "new");
    List<String> key = fields.optionalStringList("key");
    List<String> columns = fields.optionalStringList("columns");
    List<String> groupBy = fields.optionalStringList("groupBy");
    ParitySpec.Groups groups = groups(fields, groupBy);
    List<String> aggregates = fields.optionalStringList("aggregates");
    Integer chunkRows = fields.optionalInteger("chunkRows", 100, 10_000_000, null);
    Integer show = fields.optionalInteger("show", 1, 1000, null);
    Integer times = fields.optionalInteger("times", 1, 100, null);
    Duration interval = fields.optionalDuration("interval", null);
    Boolean reportOnly = ReportOnly.read(fields);
    SqlTimeouts timeouts = SqlTimeouts.read(fields);
    if (key == null && groupBy == null) {
      fields.problem("key", "a parity step needs key: (compare rows by key) or groupBy: (compare counts per group), "
          + "or both", "add e.g. key: [id] or groupBy: [tenant]");
    }
    if (aggregates != null && groupBy == null) {
      fields.problem("aggregates", "aggregates: are computed per group; give groupBy: too", "add groupBy: [tenant]");
    }
    if (interval != null && !interval.isZero() && (times == null || times == 1)) {
      fields.problem("interval", "interval: is the pause between repeated comparisons; it needs times: 2 or more",
          "add times: 3, or remove interval:");
    }
    if (interval != null && interval.compareTo(Duration.ofHours(1)) > 0) {
      fields.problem("interval", "interval: above 1h would hold the step for hours; use a soak step for that",
          "write a soak step with every: and for:");
    }
    return new ParitySpec(legacy, fresh, key, columns, groupBy, groups, aggregates, chunkRows, show, times, interval,
        reportOnly, timeouts);
  }

  /** {@code groups:}: the relation listing every group, a table or a query. */
  private static ParitySpec.Groups groups(StepFields fields, List<String> groupBy) {
    StepFields section = fields.optionalSection("groups");
    if (section == null) {
      return null;
    }
    String table = section.optionalString("table");
    String where = section.optionalString("where");
    String query = section.optionalString("query");
    List<String> key = section.optionalStringList("key");
    Boolean requireRows = section.optionalBoolean("requireRows");
    if (groupBy == null) {
      fields.problem("groups", "groups: lists the groups of groupBy:; give groupBy: too", "add groupBy: [tenant]");
    }
    if ((table == null) == (query == null)) {
      section.problem(table == null ? "query" : "table", "groups: needs exactly one of table: or query:",
          "write groups: {table: tenants, key: [id]} or groups: {query: SELECT id AS tenant FROM tenants}");
    }
    if (where != null && table == null) {
      section.problem("where", "where: filters a table:; a query: carries its own WHERE", "move the condition into the query");
    }
    if (table != null && !tableName(table)) {
      section.problem("table", "'" + table + "' is not a table name", "write table or schema.table, without quotes");
    }
    if (key != null && groupBy != null && key.size() != groupBy.size()) {
      section.problem("key", "key: names " + key.size() + " column(s) and groupBy: " + groupBy.size()
          + "; each groupBy: column needs its column in the groups relation", "list one column per groupBy: column, in "
          + "its order, e.g. key: [id] for groupBy: [tenant]");
    }
    return new ParitySpec.Groups(table, where, query, key, requireRows);
  }

  private static boolean tableName(String table) {
    String[] parts = table.split("\\.", -1);
    boolean plain = parts.length <= 2;
    for (String part : parts) {
      plain &= !part.isBlank() && !part.contains("\"") && part.strip().equals(part);
    }
    return plain;
  }

  private static ParitySpec.Side side(StepFields fields, String field) {
    StepFields side = fields.optionalSection(field);
    if (side == null) {
      fields.problem(field, "a parity step needs " + field + ": with table: or query:",
          "add e.g. " + field + ": {table: orders} or " + field + ": {query: SELECT ...}");
      return null;
    }
    String table = side.optionalString("table");
    String query = side.optionalString("query");
    String where = side.optionalString("where");
    String target = side.optionalOtherTarget("target");
    if ((table == null) == (query == null)) {
      side.problem(table == null ? "query" : "table", field + ": needs exactly one of table: or query:",
          "write " + field + ": {table: orders} or " + field + ": {query: SELECT ...}");
    }
    if (where != null && table == null) {
      side.problem("where", "where: filters a table:; a query: carries its own WHERE", "move the condition into the query");
    }
    if (table != null) {
      String[] parts = table.split("\\.", -1);
      boolean bad = parts.length > 2;
      for (String part : parts) {
        bad |= part.isBlank() || part.contains("\"") || !part.strip().equals(part);
      }
      if (bad) {
        side.problem("table", "'" + table + "' is not a table name", "write table or schema.table, without quotes");
      }
    }
    return new ParitySpec.Side(table, where, query, target);
  }

  @Override
  public StepOutcome apply(StepContext context, ParitySpec spec) {
    int times = spec.times();
    Duration interval = spec.interval();
    List<Map<String, Object>> passes = new ArrayList<>();
    ParityComparison.Result last = null;
    for (int pass = 1; pass <= times; pass++) {
      if (pass > 1) {
        pause(context, interval);
      }
      last = context.sql() != null ? compare(context, spec, context.sql())
          : context.environment().inTransaction(sql -> compare(context, spec, sql));
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("pass", pass);
      summary.put("holds", last.holds());
      summary.put("millis", last.millis());
      passes.add(summary);
      if (!last.holds()) {
        break;
      }
    }
    Map<String, Object> report = new LinkedHashMap<>(last.report());
    report.put("timesRequired", times);
    report.put("passes", passes);
    String held = times == 1 ? "" : " (" + passes.size() + " of " + times + " passes)";
    if (!last.holds()) {
      String when = times == 1 ? "" : " on pass " + passes.size() + " of " + times;
      return StepOutcome.failed("parity does not hold" + when + ": " + last.summary(), Json.write(report));
    }
    return StepOutcome.passed("parity holds" + held + ": " + last.summary(), last.rows(), Json.write(report));
  }

  /**
   * One comparison. A side on another target is read there in a read-only transaction of its own
   * (one snapshot), open while the comparison runs; each side's rows are hashed where they are.
   */
  private static ParityComparison.Result compare(StepContext context, ParitySpec spec, DSLContext sql) {
    return onItsTarget(context, spec, spec.legacy(), legacy -> onItsTarget(context, spec, spec.fresh(),
        fresh -> new ParityComparison(context, spec, sql, legacy, fresh).run()));
  }

  /** Runs the work with a transaction on the side's other target, or with null when the side is on the step's own. */
  private static <T> T onItsTarget(StepContext context, ParitySpec spec, ParitySpec.Side side,
      Function<DSLContext, T> work) {
    String target = side == null ? null : side.target();
    if (target == null || target.equals(context.target())) {
      return work.apply(null);
    }
    return context.environment().readsOn(target).read(spec.timeouts(), work::apply);
  }

  @Override
  public StepOutcome compensate(StepContext context, ParitySpec spec) {
    return StepOutcome.of("nothing to undo");
  }

  private static void pause(StepContext context, Duration interval) {
    long until = System.nanoTime() + interval.toNanos();
    long left;
    while ((left = until - System.nanoTime()) > 0) {
      context.environment().heartbeat();
      try {
        Thread.sleep(Math.min(1000, Math.max(1, left / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted between parity passes");
      }
    }
  }
}
