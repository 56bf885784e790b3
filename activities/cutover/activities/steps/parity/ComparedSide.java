package cutover.activities.steps.parity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One side of a parity comparison: a table (with an optional filter) or a query, as a FROM item,
 * and its columns with their type names.
 *
 * @param code how the side's rows are told apart in a statement that reads both ({@code l}, {@code n})
 * @param label the side's name in the plan and in messages
 * @param table the quoted table name, or null for a query
 * @param target the other target the side is read on, or null for the step's own
 * @param reads the reads of the side's transaction (one per target)
 */
record ComparedSide(String code, String label, String table, String where, String query, Map<String, String> columns,
    String target, ParityReads reads) {

  /** The plan's side, with its columns read in the comparison's transaction. */
  static ComparedSide read(String code, String field, ParitySpec.Side given, ParityReads reads) {
    if (given == null) {
      throw new IllegalArgumentException("parity: the plan gives no " + field + ":");
    }
    String table = given.table() == null ? null : reads.table(given.table());
    String where = table == null ? null : given.where();
    String query = table == null ? stripSemicolons(given.query()) : null;
    return new ComparedSide(code, field, table, where, query, reads.columns(from(table, where, query)), given.target(),
        reads);
  }

  /**
   * The rows of one statement per side (each row led by the side's code): one statement over
   * both when they are read in one transaction, else one in each side's own.
   */
  static List<String[]> fetchBoth(ComparedSide legacy, String legacyStatement, ComparedSide fresh,
      String freshStatement) {
    if (legacy.reads() == fresh.reads()) {
      return legacy.reads().fetch(legacyStatement + "\nUNION ALL\n" + freshStatement);
    }
    List<String[]> rows = new ArrayList<>(legacy.reads().fetch(legacyStatement));
    rows.addAll(fresh.reads().fetch(freshStatement));
    return rows;
  }

  String from() {
    return from(table, where, query);
  }

  /** Throws unless every named column is one of this side's. */
  void require(List<String> names, String field) {
    for (String name : names) {
      if (!columns.containsKey(name)) {
        throw new IllegalArgumentException("parity: " + field + " column '" + name + "' is not in the " + label
            + " side, whose columns are: " + String.join(", ", columns.keySet()));
      }
    }
  }

  Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    if (target != null) {
      json.put("target", target);
    }
    if (table != null) {
      json.put("table", table);
      if (where != null) {
        json.put("where", where);
      }
    } else {
      json.put("query", query);
    }
    return json;
  }

  private static String from(String table, String where, String query) {
    if (table != null) {
      return "(SELECT * FROM " + table + (where == null ? "" : " WHERE (" + where + ")") + ")";
    }
    return "(" + query + "\n)";
  }

  private static String stripSemicolons(String query) {
    String text = query.strip();
    while (text.endsWith(";")) {
      text = text.substring(0, text.length() - 1).strip();
    }
    return text;
  }
}
