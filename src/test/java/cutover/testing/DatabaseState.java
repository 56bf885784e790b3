package cutover.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * What a rollback must give back: the structure of one schema, read from information_schema and
 * pg_catalog (columns, constraints with their validity, indexes, views, functions, triggers,
 * sequences), and a checksum and row count per table. Two states are equal when the schema
 * and every table's rows are. For "roll back and compare with the original" tests.
 *
 * @param schema one line per object, sorted, so a difference shows as a line
 * @param tables per table its row count and the md5 of its rows' text, sorted
 */
public record DatabaseState(List<String> schema, Map<String, String> tables) {

  /** The state of schema {@code public}. */
  public static DatabaseState of(Connection connection) throws SQLException {
    return of(connection, "public");
  }

  public static DatabaseState of(Connection connection, String schemaName) throws SQLException {
    String schema = DSL.inline(schemaName).toString();
    List<String> lines = new ArrayList<>();
    lines.addAll(strings(connection, """
        SELECT 'column ' || table_name || '.' || column_name || ' #' || ordinal_position || ' ' || data_type
               || coalesce('(' || character_maximum_length || ')', '')
               || coalesce('(' || numeric_precision || ',' || numeric_scale || ')', '')
               || CASE WHEN is_nullable = 'NO' THEN ' not null' ELSE '' END
               || coalesce(' default ' || column_default, '')
        FROM information_schema.columns WHERE table_schema = %s""".formatted(schema)));
    lines.addAll(strings(connection, """
        SELECT 'constraint ' || c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid)
               || CASE WHEN c.convalidated THEN '' ELSE ' (not validated)' END
        FROM pg_constraint c WHERE c.connamespace = %s::regnamespace""".formatted(schema)));
    lines.addAll(strings(connection,
        "SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = %s".formatted(schema)));
    lines.addAll(strings(connection, """
        SELECT 'relation ' || relname || ' kind ' || relkind::text FROM pg_class
        WHERE relnamespace = %s::regnamespace AND relkind IN ('r', 'v', 'm', 'S', 'p', 'f')""".formatted(schema)));
    lines.addAll(strings(connection, """
        SELECT 'view ' || viewname || ' ' || definition FROM pg_views WHERE schemaname = %s""".formatted(schema)));
    lines.addAll(strings(connection, """
        SELECT 'function ' || p.oid::regprocedure::text || ' ' || md5(pg_get_functiondef(p.oid))
        FROM pg_proc p WHERE p.pronamespace = %s::regnamespace AND p.prokind IN ('f', 'p')""".formatted(schema)));
    lines.addAll(strings(connection, """
        SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = %s::regnamespace AND NOT t.tgisinternal""".formatted(schema)));
    lines.sort(null);

    Map<String, String> tables = new TreeMap<>();
    for (String table : strings(connection, """
        SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind IN ('r', 'p')"""
        .formatted(schema))) {
      String qualified = DSL.using(SQLDialect.POSTGRES).render(DSL.table(DSL.name(schemaName, table)));
      tables.put(table, strings(connection, """
          SELECT count(*) || ' rows, md5 ' || md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), ''))
          FROM %s AS r""".formatted(qualified)).get(0));
    }
    return new DatabaseState(List.copyOf(lines), Collections.unmodifiableSortedMap(new TreeMap<>(tables)));
  }

  private static List<String> strings(Connection connection, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }
}
