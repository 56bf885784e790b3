package cutover.activities.steps.check;

import cutover.activities.steps.DefinedKind;
import cutover.activities.steps.ExecutedKind;
import cutover.activities.steps.Json;
import cutover.activities.steps.PlanSql;
import cutover.activities.steps.ReportOnly;
import cutover.activities.steps.SqlTimeouts;
import cutover.activities.steps.StepContext;
import cutover.activities.steps.StepOutcome;
import cutover.plan.StepFields;
import cutover.plan.StepSpec;
import cutover.plan.Undo;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code kind: check} — an assertion on the target, read-only unless fixes are allowed:
 *
 * <ul>
 *   <li>{@code query:} SQL that must return no rows (each row is a finding; the first
 *       {@code show:} ones, default 20, are listed), or
 *   <li>{@code scalar:} SQL returning one value that must lie within {@code min:} / {@code max:}.
 *   <li>{@code fix:} optional SQL of safe corrections (a reconciliation), run only when the run
 *       was started with {@code --allow-fixes}; the check then runs again, in the same
 *       transaction, and its report lists what was found and what was fixed. A fix that does not
 *       make the check hold is rolled back (to a savepoint): it changes nothing then.
 *   <li>A fix is undone by a rollback: {@code saves:} names the rows it changes, kept before it
 *       runs and put back ({@link FixSaves}); or {@code compensate:} SQL, run only when the fix
 *       ran; or the step declares {@code irreversible: true} and says why in {@code description:}.
 * </ul>
 */
public final class CheckStep extends DefinedKind<CheckSpec> implements ExecutedKind<CheckSpec> {
  public static final String NAME = "check";
  private static final int VALUE_CHARS = 200;
  private static final String BEFORE_FIX = "cutover_before_fix";

  public CheckStep() {
    super(NAME, Undo.OPTIONAL, Execution.IN_TRANSACTION, CheckSpec.class);
  }

  /** A check without a fix changes nothing; one with a fix is undone by its saves or its compensate:. */
  @Override
  public Undo undo(StepSpec spec) {
    return spec instanceof CheckSpec check && check.fix() != null ? Undo.OPTIONAL : Undo.NOTHING;
  }

  @Override
  public boolean repeatable() {
    return true;
  }

  @Override
  public CheckSpec read(StepFields fields) {
    String query = fields.optionalString("query");
    String scalar = fields.optionalString("scalar");
    BigDecimal min = fields.optionalNumber("min");
    BigDecimal max = fields.optionalNumber("max");
    String fix = fields.optionalString("fix");
    Map<String, String> saves = fields.optionalStringMap("saves");
    Integer show = fields.optionalInteger("show", 1, 1000, null);
    Boolean reportOnly = ReportOnly.read(fields);
    SqlTimeouts timeouts = SqlTimeouts.read(fields);
    if (query == null && scalar == null) {
      fields.problem("query", "a check needs query: (SQL that must return no rows) or scalar: (SQL returning one value "
          + "with min:/max:)", "add e.g. query: SELECT id FROM orders WHERE customer_id IS NULL");
    } else if (query != null && scalar != null) {
      fields.problem("scalar", "a check has either query: or scalar:, not both", "split it into two check steps");
    }
    if (scalar != null && min == null && max == null) {
      fields.problem("scalar", "scalar: needs bounds", "add min:, max: or both (e.g. max: 0)");
    }
    if (query != null && (min != null || max != null)) {
      fields.problem(min != null ? "min" : "max", "min:/max: bound a scalar:, not a query:",
          "remove them, or write the check as scalar: SELECT count(*) ...");
    }
    if (min != null && max != null && min.compareTo(max) > 0) {
      fields.problem("min", "min " + min.toPlainString() + " is above max " + max.toPlainString(), "swap them");
    }
    if (saves != null) {
      saves.keySet().forEach(table -> savedTable(fields, table));
    }
    return new CheckSpec(query, scalar, min, max, fix, saves, show, reportOnly, timeouts);
  }

  /** Everything reversible or declared not: a fix is undone by its saves or its compensate:, or declared irreversible. */
  @Override
  public void checkUndo(StepFields fields, StepSpec spec) {
    CheckSpec check = (CheckSpec) spec;
    String fix = check.fix();
    Map<String, String> saves = check.saves().isEmpty() ? null : check.saves();
    boolean irreversible = fields.declaresIrreversible();
    boolean compensate = fields.declaresUndo() && !irreversible;
    if (fix == null) {
      if (saves != null) {
        fields.problem("saves", "saves: keeps the rows a fix: changes, and this check has no fix:",
            "remove saves:, or add the fix: whose changes it keeps");
      }
      return;
    }
    if (saves != null && compensate) {
      fields.problem("saves", "the fix is undone either by saves: (the rows put back) or by compensate: SQL, not both",
          "keep saves: and remove compensate:, or the other way round");
    } else if (saves != null && irreversible) {
      fields.problem("saves", "saves: keeps rows so that a rollback can put them back, and irreversible: true says it "
          + "cannot", "remove irreversible: true, or remove saves:");
    } else if (saves == null && !compensate && !irreversible) {
      fields.problem("fix", "the fix: changes data that a rollback could not put back: the step saves nothing, has no "
              + "compensate: and is not declared irreversible: true",
          "add saves: with the rows the fix changes, e.g. saves: {orders: customer_id IS NULL} (or {orders: all}); or "
              + "compensate: SQL that undoes the fix; or, if it need not be undone, irreversible: true with the reason "
              + "in description:");
    } else if (irreversible && !fields.describes()) {
      fields.problem("fix", "the fix: is declared irreversible: true without saying why",
          "add description: with the reason its changes need not be undone (e.g. \"adds the missing customers; they "
              + "are real and stay\")");
    }
  }

  private static void savedTable(StepFields fields, String table) {
    String[] parts = table.split("\\.", -1);
    boolean plain = parts.length <= 2;
    for (String part : parts) {
      plain &= !part.isBlank() && part.strip().equals(part) && !part.contains("\"");
    }
    if (!plain) {
      fields.problem("saves", "'" + table + "' is not a table name", "write table or schema.table, without quotes");
    }
  }

  @Override
  public StepOutcome apply(StepContext context, CheckSpec spec) {
    Finding found = look(context, spec);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("mode", spec.query() != null ? "rows" : "scalar");
    report.put("found", found.json());
    String fix = spec.fix();
    if (found.holds()) {
      report.put("passed", true);
      return StepOutcome.passed("check holds: " + found.describe(), found.count(), Json.write(report));
    }
    Map<String, Object> fixReport = new LinkedHashMap<>();
    report.put("fix", fixReport);
    fixReport.put("given", fix != null);
    fixReport.put("allowed", context.environment().allowFixes());
    if (fix == null || !context.environment().allowFixes()) {
      fixReport.put("ran", false);
      report.put("passed", false);
      String why = fix == null ? "" : "; its fix was not run: start the run with --allow-fixes to let it";
      return StepOutcome.failed("check failed: " + found.describe() + why, Json.write(report));
    }
    context.sql().execute("SAVEPOINT " + BEFORE_FIX);
    FixSaves saves = new FixSaves(context);
    List<FixSaves.SavedTable> saved = saves.before(spec);
    long fixed = PlanSql.execute(context, fix);
    fixReport.put("ran", true);
    fixReport.put("rows", fixed);
    Finding after = look(context, spec);
    report.put("after", after.json());
    report.put("passed", after.holds());
    String story = found.describe() + "; fix ran (" + StepOutcome.rows(fixed) + " changed)";
    if (after.holds()) {
      saves.after(saved, fixed);
      fixReport.put("saved", saved.stream().map(t -> Map.of("table", t.table(), "rows", t.saved())).toList());
      context.sql().execute("RELEASE SAVEPOINT " + BEFORE_FIX);
      return StepOutcome.passed("check holds after its fix: " + story, fixed, Json.write(report));
    }
    // a fix that does not make the check hold changes nothing: the step fails and may be retried
    context.sql().execute("ROLLBACK TO SAVEPOINT " + BEFORE_FIX);
    fixReport.put("rolledBack", true);
    return StepOutcome.failed("check failed after its fix: " + story + "; still " + after.describe()
        + "; the fix was rolled back", Json.write(report));
  }

  /**
   * Undoes the fix, when it ran: puts back the rows its {@code saves:} kept, or runs the step's
   * {@code compensate:} SQL. A check whose fix did not run (it held, or fixes were not allowed)
   * changed nothing.
   */
  @Override
  public StepOutcome compensate(StepContext context, CheckSpec spec) {
    FixSaves saves = new FixSaves(context);
    if (saves.fixed().isEmpty()) {
      return StepOutcome.of("nothing to undo: the fix did not run");
    }
    String compensate = context.step().compensate();
    if (compensate != null) {
      long rows = PlanSql.execute(context, compensate);
      return new StepOutcome("undid the fix with compensate: (" + StepOutcome.rows(rows) + ")", rows);
    }
    return saves.restore();
  }

  private static Finding look(StepContext context, CheckSpec spec) {
    String query = spec.query();
    return query != null ? rows(context, query, spec.show()) : scalar(context, spec);
  }

  /** What the check saw: the rows found (count, first ones) or the scalar against its bounds. */
  private record Finding(long count, List<Map<String, String>> rows, String value, BigDecimal min, BigDecimal max,
      boolean holds) {

    String describe() {
      if (rows != null) {
        if (count == 0) {
          return "no rows";
        }
        String listed = rows.stream().map(Finding::row).collect(Collectors.joining("; "));
        return StepOutcome.rows(count) + " found: " + listed + (count > rows.size() ? "; ..." : "");
      }
      String bounds = (min == null ? "" : "≥ " + min.toPlainString()) + (min != null && max != null ? " and " : "")
          + (max == null ? "" : "≤ " + max.toPlainString());
      return "value " + value + (holds ? " is " : " is not ") + bounds;
    }

    Map<String, Object> json() {
      Map<String, Object> json = new LinkedHashMap<>();
      if (rows != null) {
        json.put("rows", count);
        json.put("first", rows);
      } else {
        json.put("value", value);
        json.put("min", min == null ? null : min.toPlainString());
        json.put("max", max == null ? null : max.toPlainString());
      }
      json.put("holds", holds);
      return json;
    }

    private static String row(Map<String, String> row) {
      return "(" + row.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "))
          + ")";
    }
  }

  private static Finding rows(StepContext context, String query, int show) {
    List<Map<String, String>> first = new ArrayList<>();
    long[] count = {0};
    context.sql().connection(connection -> {
      try (Statement statement = connection.createStatement()) {
        statement.setFetchSize(500);
        try (ResultSet rs = statement.executeQuery(query)) {
          ResultSetMetaData meta = rs.getMetaData();
          while (rs.next()) {
            if (count[0]++ < show) {
              Map<String, String> row = new LinkedHashMap<>();
              for (int i = 1; i <= meta.getColumnCount(); i++) {
                row.put(meta.getColumnLabel(i), shorten(rs.getString(i)));
              }
              first.add(row);
            }
            if (count[0] % 10_000 == 0) {
              context.environment().heartbeat();
            }
          }
        }
      }
    });
    return new Finding(count[0], first, null, null, null, count[0] == 0);
  }

  private static Finding scalar(StepContext context, CheckSpec spec) {
    BigDecimal min = spec.min();
    BigDecimal max = spec.max();
    String[] value = new String[1];
    int[] rows = {0};
    context.sql().connection(connection -> {
      try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(spec.scalar())) {
        if (rs.getMetaData().getColumnCount() != 1) {
          throw new IllegalArgumentException("scalar: returned " + rs.getMetaData().getColumnCount()
              + " columns; it must return one value");
        }
        while (rs.next()) {
          rows[0]++;
          value[0] = rs.getString(1);
        }
      }
    });
    if (rows[0] != 1) {
      throw new IllegalArgumentException("scalar: returned " + StepOutcome.rows(rows[0]) + "; it must return one value");
    }
    BigDecimal number = number(value[0]);
    if (number == null) {
      return new Finding(1, null, value[0] == null ? "NULL" : "'" + shorten(value[0]) + "' (not a number)", min, max,
          false);
    }
    boolean holds = (min == null || number.compareTo(min) >= 0) && (max == null || number.compareTo(max) <= 0);
    return new Finding(1, null, number.toPlainString(), min, max, holds);
  }

  private static BigDecimal number(String text) {
    if (text == null) {
      return null;
    }
    try {
      return new BigDecimal(text.strip());
    } catch (NumberFormatException notANumber) {
      return null;
    }
  }

  /** A value as reports show it: at most 200 characters. */
  public static String shorten(String value) {
    if (value == null) {
      return null;
    }
    return value.length() <= VALUE_CHARS ? value : value.substring(0, VALUE_CHARS) + "…";
  }
}
