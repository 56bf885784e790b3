package cutover.activities.steps.backfill;

import static org.jooq.impl.DSL.name;

import cutover.activities.Targets;
import cutover.activities.steps.PlanSql;
import cutover.activities.steps.SqlTimeouts;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Names the row behind a batch that failed on the data (a constraint, a value too long, a NULL
 * where none may be): PostgreSQL names the constraint but not the source row. The batch's range
 * is run again, halved inside savepoints of a transaction that is rolled back, until one source
 * row is left: the first whose write fails once the rows before it in key order are written, as
 * in the batch itself. Nothing of it is committed.
 *
 * <p>The failure goes into Temporal: it names the step, the source key (plan data), the column
 * and that column's value truncated to {@value #VALUE_CHARS} characters, the server's message and
 * its DETAIL unless that lists a whole row; never another column's value nor a connection URL.
 */
final class BatchFailure {
  static final int VALUE_CHARS = 100;
  /** PostgreSQL's DETAIL of NOT NULL and CHECK violations lists every value of the row. */
  private static final String WHOLE_ROW = "Failing row contains";

  /** The write of a batch range: a copy or an update in place. */
  @FunctionalInterface
  interface Write {
    int run(DSLContext sql, BackfillSql.Walk walk, Condition range);
  }

  /** The batch that failed on its data: where it ran, and the server's error. */
  private record Failed(BackfillSql.Walk walk, List<String> from, boolean inclusive, List<String> end,
      SQLException error) {}

  private final BackfillSpec spec;
  private final String stepId;
  private final boolean apply;
  private Failed failed;

  /** @param apply whether the batches copy or update (a compensation's removals fail as they do) */
  BatchFailure(BackfillSpec spec, String stepId, boolean apply) {
    this.spec = spec;
    this.stepId = stepId;
    this.apply = apply;
  }

  /**
   * Runs the batch's write of {@code rows} (a key range, or a page range), remembering them when
   * the data made it fail (the error goes on).
   */
  int watch(DSLContext sql, BackfillSql.Walk walk, Condition rows, Write write) {
    try {
      return write.run(sql, walk, rows);
    } catch (org.jooq.exception.DataAccessException e) {
      SQLException error = sqlException(e);
      if (apply && error != null && dataError(error.getSQLState())) {
        // narrowed by key inside the batch's rows, whatever walk made them
        failed = new Failed(new BackfillSql.Walk(walk.table(), walk.relation(), walk.key(), walk.filter().and(rows),
            walk.types()), null, false, null, error);
      }
      throw e;
    }
  }

  /**
   * When the failed batch failed on its data: the failure naming the source row, found by a
   * narrowing re-run of the batch's range (rolled back). Otherwise null: the failure stands.
   */
  ApplicationFailure explain(DataSource dataSource, Targets targets, SqlTimeouts timeouts, Write write) {
    Failed batch = failed;
    failed = null;
    if (batch == null) {
      return null;
    }
    String found;
    try {
      found = narrow(dataSource, timeouts, batch, write);
    } catch (SQLException | RuntimeException e) {
      found = "; the failing row was not found (" + reasonOf(sqlException(e), e) + ")";
    }
    String message = "step '" + stepId + "' failed: " + server(batch.error()) + found
        + ". Nothing of the failed batch was committed (batches before it were); fix the data or the plan, then retry"
        + " the step: it goes on at the failed batch";
    return ApplicationFailure.newNonRetryableFailure(targets.redact(message), "StepFailed");
  }

  private String narrow(DataSource dataSource, SqlTimeouts timeouts, Failed batch, Write write) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        DSLContext sql = PlanSql.asWritten(DSL.using(connection, SQLDialect.POSTGRES));
        sql.select(setConfig("lock_timeout", timeouts.lockTimeout()),
            setConfig("statement_timeout", timeouts.statementTimeout())).fetch();
        BackfillSql.Walk walk = batch.walk();
        if (walk.types() == null || walk.types().size() != walk.key().size()) { // a page walk's part knows no key types
          BackfillSql.KeyAndTypes last = BackfillSql.lastKey(sql, walk, null);
          if (last == null) {
            return "; the failing row was not found again (the source changed since the batch ran?)";
          }
          walk = walk.withTypes(last.types());
        }
        List<String> from = batch.from();
        boolean inclusive = batch.inclusive();
        List<String> end = batch.end();
        long rows = sql.fetchCount(DSL.selectOne().from(walk.table())
            .where(walk.filter().and(walk.range(from, inclusive, end))));
        SQLException error = batch.error();
        while (rows > 1) {
          long half = rows / 2;
          List<String> middle = BackfillSql.batchEnd(sql, walk, from, inclusive, end, (int) half);
          SQLException firstHalf = attempt(connection, sql, walk, walk.range(from, inclusive, middle), write, true);
          if (firstHalf != null) {
            end = middle;
            rows = half;
            error = firstHalf;
          } else {
            from = middle; // written and kept: the rows before the culprit, as in the batch
            inclusive = false;
            rows -= half;
          }
        }
        List<String> key = rows == 1 ? BackfillSql.batchEnd(sql, walk, from, inclusive, end, 1) : null;
        if (key == null) {
          return "; the failing row was not found again (the source changed since the batch ran?)";
        }
        Condition row = walk.range(from, inclusive, key);
        SQLException own = attempt(connection, sql, walk, row, write, false);
        if (own == null) {
          return "; the failing row was not found again: " + keyText(walk.key(), key)
              + " alone writes (the source changed since the batch ran?)";
        }
        return "; source row " + keyText(walk.key(), key) + " of " + spec.sourceName()
            + columns(connection, sql, walk, row, own);
      } finally {
        connection.rollback();
      }
    }
  }

  /** Writes the range in a savepoint: kept when it writes, rolled back (and its error returned) when not. */
  private static SQLException attempt(Connection connection, DSLContext sql, BackfillSql.Walk walk, Condition range,
      Write write, boolean keep) throws SQLException {
    Savepoint savepoint = connection.setSavepoint();
    try {
      write.run(sql, walk, range);
      if (keep) {
        connection.releaseSavepoint(savepoint);
      } else {
        connection.rollback(savepoint);
      }
      return null;
    } catch (org.jooq.exception.DataAccessException e) {
      SQLException error = sqlException(e);
      connection.rollback(savepoint);
      if (error == null || !dataError(error.getSQLState())) {
        throw e;
      }
      return error;
    }
  }

  /**
   * ", column email = 'a@b.c'": the column(s) the server named (NOT NULL), those of the violated
   * constraint (unique, check, foreign key), or for a value error the written column whose value
   * does not fit its type; each with the row's value, truncated.
   */
  private String columns(Connection connection, DSLContext sql, BackfillSql.Walk walk, Condition row,
      SQLException error) throws SQLException {
    ServerErrorMessage server = error instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
    Map<String, String> written = spec.inPlace() ? spec.set() : spec.columns();
    List<String> target = spec.inPlace() ? spec.fromTable() : spec.intoTable();
    List<String> named = new ArrayList<>();
    if (server != null && server.getColumn() != null) {
      named.add(server.getColumn());
    } else if (server != null && server.getConstraint() != null) {
      named.addAll(constraintColumns(sql, target, server.getConstraint()));
    } else if (error.getSQLState() != null && error.getSQLState().startsWith("22")) {
      named.addAll(misfits(connection, sql, walk, row, target, written));
    }
    if (named.isEmpty()) {
      return "";
    }
    List<String> shown = new ArrayList<>();
    for (String column : named) {
      String expression = written.get(column);
      if (expression == null) {
        shown.add("column " + column);
        continue;
      }
      String value = sql.select(BackfillSql.expression(expression).cast(SQLDataType.CLOB))
          .from(walk.table()).where(walk.filter().and(row)).limit(1).fetchOne(0, String.class);
      shown.add("column " + column + " = " + quoted(value));
    }
    return ", " + String.join(", ", shown);
  }

  /** The columns of a target's constraint, or of its unique index of that name (a UNIQUE INDEX is no constraint). */
  private static List<String> constraintColumns(DSLContext sql, List<String> table, String constraint) {
    Field<Object> relation = DSL.function(name("to_regclass"), Object.class,
        DSL.inline(sql.render(BackfillSql.table(table))));
    List<String> columns = sql.select(DSL.field(name("a", "attname"), String.class))
        .from(DSL.table(name("pg_catalog", "pg_constraint")).as("c"))
        .join(DSL.table(name("pg_catalog", "pg_attribute")).as("a"))
        .on(DSL.field(name("a", "attrelid")).eq(DSL.field(name("c", "conrelid")))
            .and(DSL.condition("{0} = ANY({1})", DSL.field(name("a", "attnum")), DSL.field(name("c", "conkey")))))
        .where(DSL.field(name("c", "conrelid")).eq(relation),
            DSL.field(name("c", "conname"), String.class).eq(DSL.inline(constraint)))
        .orderBy(DSL.field(name("a", "attnum")))
        .fetch(0, String.class);
    if (!columns.isEmpty()) {
      return columns;
    }
    return sql.select(DSL.field(name("a", "attname"), String.class))
        .from(DSL.table(name("pg_catalog", "pg_index")).as("i"))
        .join(DSL.table(name("pg_catalog", "pg_attribute")).as("a"))
        .on(DSL.field(name("a", "attrelid")).eq(DSL.field(name("i", "indrelid")))
            .and(DSL.condition("{0} = ANY({1}::smallint[])", DSL.field(name("a", "attnum")),
                DSL.field(name("i", "indkey")))))
        .where(DSL.field(name("i", "indrelid")).eq(relation),
            DSL.condition("{0} = to_regclass({1})", DSL.field(name("i", "indexrelid")),
                DSL.inline(sql.render(table.size() == 2 ? DSL.name(table.get(0), constraint) : DSL.name(constraint)))))
        .orderBy(DSL.field(name("a", "attnum")))
        .fetch(0, String.class);
  }

  /**
   * The written columns whose value for the row does not fit the column's type: the cast fails,
   * or (for character types, where an explicit cast truncates silently) changes the value.
   */
  private static List<String> misfits(Connection connection, DSLContext sql, BackfillSql.Walk walk, Condition row,
      List<String> table, Map<String, String> written) throws SQLException {
    Field<Object> relation = DSL.function(name("to_regclass"), Object.class,
        DSL.inline(sql.render(BackfillSql.table(table))));
    Map<String, String> types = new LinkedHashMap<>();
    for (Record r : sql.select(DSL.field(name("attname"), String.class),
            DSL.field("format_type(atttypid, atttypmod)", String.class))
        .from(DSL.table(name("pg_catalog", "pg_attribute")))
        .where(DSL.field(name("attrelid")).eq(relation), DSL.field(name("attnum"), Integer.class).gt(0),
            DSL.field(name("attisdropped"), Boolean.class).isFalse())
        .fetch()) {
      types.put(r.get(0, String.class), r.get(1, String.class));
    }
    List<String> misfits = new ArrayList<>();
    for (Map.Entry<String, String> column : written.entrySet()) {
      String type = types.get(column.getKey());
      if (type == null) {
        continue;
      }
      if (!BackfillSql.TYPE_NAME.matcher(type).matches()) {
        continue;
      }
      Field<Object> value = BackfillSql.expression(column.getValue());
      Field<Object> cast = DSL.field("CAST({0} AS " + type + ")", Object.class, value);
      Savepoint savepoint = connection.setSavepoint();
      try {
        Boolean changed = sql.select(DSL.field("{0}::text IS DISTINCT FROM {1}::text", Boolean.class, cast, value))
            .from(walk.table()).where(walk.filter().and(row)).limit(1).fetchOne(0, Boolean.class);
        connection.releaseSavepoint(savepoint);
        if (Boolean.TRUE.equals(changed) && type.startsWith("character")) {
          misfits.add(column.getKey());
        }
      } catch (org.jooq.exception.DataAccessException e) {
        connection.rollback(savepoint);
        misfits.add(column.getKey());
      }
    }
    return misfits;
  }

  /** "duplicate key value violates unique constraint "dst_email_key" (SQLSTATE 23505; DETAIL: Key ...)" */
  static String server(SQLException error) {
    ServerErrorMessage server = error instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
    if (server == null) {
      return reasonOf(error, error);
    }
    String detail = server.getDetail();
    boolean keep = detail != null && !detail.startsWith(WHOLE_ROW);
    return server.getMessage() + " (SQLSTATE " + server.getSQLState()
        + (keep ? "; DETAIL: " + truncate(detail, 2 * VALUE_CHARS) : "") + ")";
  }

  private static String reasonOf(SQLException error, Throwable fallback) {
    if (error instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
      return psql.getServerErrorMessage().getMessage() + " (SQLSTATE " + psql.getSQLState() + ")";
    }
    return fallback.getClass().getSimpleName();
  }

  /** "(tenant, id)=(acme, 42)", as PostgreSQL writes a key. */
  static String keyText(List<String> columns, List<String> values) {
    return "(" + String.join(", ", columns) + ")=(" + String.join(", ", values.stream().map(v -> truncate(v, VALUE_CHARS))
        .toList()) + ")";
  }

  private static String quoted(String value) {
    return value == null ? "NULL" : "'" + truncate(value, VALUE_CHARS).replace("'", "''") + "'";
  }

  static String truncate(String text, int chars) {
    return text.length() <= chars ? text : text.substring(0, chars) + String.format(Locale.ROOT, "... (%,d chars)",
        text.length());
  }

  /** Class 22 (a value that does not fit) and 23 (a constraint): the data, not the database, failed the batch. */
  static boolean dataError(String state) {
    return state != null && (state.startsWith("22") || state.startsWith("23"));
  }

  static SQLException sqlException(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  private static Field<String> setConfig(String setting, java.time.Duration value) {
    return DSL.function(name("set_config"), SQLDataType.VARCHAR, DSL.inline(setting),
        DSL.val(Math.max(1, value.toMillis()) + "ms"), DSL.inline(true));
  }
}
