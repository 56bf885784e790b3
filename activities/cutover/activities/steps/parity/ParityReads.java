package cutover.activities.steps.parity;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The reads of one parity comparison, in its one transaction: identifiers and literals rendered
 * by jOOQ, statements (which embed plan SQL as written) run through plain JDBC.
 */
final class ParityReads {
  /** The type names (as JDBC reports them) of numbers, integer, decimal and float. */
  private static final Set<String> NUMBER_TYPES = Set.of("int2", "int4", "int8", "numeric", "float4", "float8");

  private final DSLContext sql;
  private Set<String> byValue = Set.of();

  ParityReads(DSLContext sql) {
    this.sql = sql;
  }

  /** A plan's {@code table} or {@code schema.table}, quoted. */
  String table(String name) {
    return sql.render(DSL.name(name.split("\\.")));
  }

  /** A column of the side's rows, which the statements here name {@code s}. */
  String column(String name) {
    return sql.render(DSL.name("s", name));
  }

  String quoted(String name) {
    return sql.render(DSL.name(name));
  }

  /** A key value (text, as the database printed it) as a literal of the column's type. */
  String literal(String value, String type) {
    if (value == null) {
      return "NULL";
    }
    String typeName = type.contains("\"") || type.contains(".") ? type : sql.render(DSL.name(type));
    return sql.render(DSL.inline(value)) + "::" + typeName;
  }

  /**
   * Chooses the compared columns whose values are compared as numbers: those of a number type on
   * both sides, unless both are the same integer type or the same float type (their text is
   * already their value). Such a column is hashed as {@code trim_scale(column::numeric)}, so
   * {@code 1.5} and {@code 1.50} hash alike, and so do an integer {@code 2} and a numeric
   * {@code 2.0}. A float cast to numeric is rounded to its type's precision (15 significant digits
   * for double precision, 6 for real), so a double compared with a numeric is equal when it
   * rounds to it; two doubles are compared exactly.
   *
   * @return the columns chosen, in order
   */
  List<String> compareByValue(List<String> compared, Map<String, String> legacyTypes, Map<String, String> newTypes) {
    List<String> chosen = new ArrayList<>();
    for (String column : compared) {
      String a = legacyTypes.get(column);
      String b = newTypes.get(column);
      if (NUMBER_TYPES.contains(a) && NUMBER_TYPES.contains(b) && !(a.equals(b) && !a.equals("numeric"))) {
        chosen.add(column);
      }
    }
    byValue = Set.copyOf(chosen);
    return chosen;
  }

  /** A compared column's value as the comparison sees it: by value for the columns {@link #compareByValue} chose. */
  String compared(String name) {
    return byValue.contains(name) ? "trim_scale(" + column(name) + "::numeric)" : column(name);
  }

  /** The hash of a row's compared columns (of its text form); 0 when only keys are compared. */
  String rowHash(List<String> compared) {
    if (compared.isEmpty()) {
      return "0::bigint";
    }
    return "hashtextextended(ROW(" + compared.stream().map(this::compared).collect(Collectors.joining(", "))
        + ")::text, 0)";
  }

  /** The columns and their type names, in order, of a FROM item, from a query that returns no rows. */
  Map<String, String> columns(String from) {
    Map<String, String> columns = new LinkedHashMap<>();
    sql.connection(connection -> {
      try (Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("SELECT * FROM " + from + " s LIMIT 0")) {
        ResultSetMetaData meta = rs.getMetaData();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          columns.put(meta.getColumnLabel(i), meta.getColumnTypeName(i));
        }
      }
    });
    return columns;
  }

  /** The side's row count: the planner's estimate of an unfiltered table, else counted. */
  long estimate(ComparedSide side) {
    if (side.table() != null && side.where() == null) {
      String[] row = fetch("SELECT c.reltuples::bigint::text FROM pg_catalog.pg_class c WHERE c.oid = to_regclass("
          + sql.render(DSL.inline(side.table())) + ")").get(0);
      long estimate = row[0] == null ? -1 : Long.parseLong(row[0]);
      if (estimate >= 0) {
        return estimate;
      }
    }
    return Long.parseLong(fetch("SELECT count(*)::text FROM " + side.from() + " s").get(0)[0]);
  }

  /** Every row of the statement, each column as text. */
  List<String[]> fetch(String statementText) {
    List<String[]> rows = new ArrayList<>();
    sql.connection(connection -> {
      try (Statement statement = connection.createStatement()) {
        statement.setFetchSize(5_000);
        try (ResultSet rs = statement.executeQuery(statementText)) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            String[] row = new String[columns];
            for (int i = 0; i < columns; i++) {
              row[i] = rs.getString(i + 1);
            }
            rows.add(row);
          }
        }
      }
    });
    return rows;
  }

  /** The one row of a statement whose columns are text arrays (a null array stays null). */
  List<List<String>> fetchArrays(String statementText) {
    List<List<String>> arrays = new ArrayList<>();
    sql.connection(connection -> {
      try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(statementText)) {
        rs.next();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          Array array = rs.getArray(i);
          arrays.add(array == null ? null : Arrays.asList((String[]) array.getArray()));
        }
      }
    });
    return arrays;
  }
}
