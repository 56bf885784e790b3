package cutover.activities.steps.snapshot;

import cutover.activities.steps.DefinedKind;
import cutover.activities.steps.ExecutedKind;
import cutover.activities.steps.Json;
import cutover.activities.steps.SqlTimeouts;
import cutover.activities.steps.StepContext;
import cutover.activities.steps.StepOutcome;
import cutover.plan.StepFields;
import cutover.plan.Undo;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.QueryPart;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * {@code kind: snapshot} — keeps the rows of the tables a phase will change ({@code tables:
 * [contracts, contract_lines]}) in a schema of its own, {@code cutover_snapshot_<run>_<step>_<hash>},
 * and a rollback puts them back.
 *
 * <p>Apply creates the schema and copies every table into it in one statement (one consistent
 * view of all of them), inside the ledger's transaction. Compensate, in one transaction,
 * truncates the tables together, inserts the kept rows back (referenced tables first), and drops
 * the schema.
 *
 * <p>It restores rows, not structure: a rollback runs compensations in reverse order, so the
 * schema changes of later steps are undone by their own compensations before this one runs. Rows
 * are inserted by the snapshot's column names, so a column a later irreversible step added gets
 * its default; one it dropped fails the restore with the server's words. Generated columns are
 * computed again; identity values are kept ({@code OVERRIDING SYSTEM VALUE}); sequences are not
 * rewound; the tables' triggers fire as for any insert. Writes the application made after the
 * snapshot are lost, which is why it is meant for tables no one else writes during the phase
 * (maintenance mode). A table other tables (not in the list) reference cannot be truncated: the
 * restore fails, naming it; list them too. After a run that completes, the schema stays for
 * whoever wants the old rows; drop it when done.
 */
public final class SnapshotStep extends DefinedKind<SnapshotSpec> implements ExecutedKind<SnapshotSpec> {
  static final String NAME = "snapshot";
  private static final String SCHEMA_PREFIX = "cutover_snapshot_";
  /** PostgreSQL's longest identifier, in bytes (longer ones are cut silently). */
  private static final int MAX_IDENTIFIER = 63;
  private static final int HASH_CHARS = 8;

  public SnapshotStep() {
    super(NAME, Undo.AUTOMATIC, Execution.IN_TRANSACTION, SnapshotSpec.class);
  }

  @Override
  public SnapshotSpec read(StepFields fields) {
    List<String> tables = fields.optionalStringList("tables");
    SqlTimeouts timeouts = SqlTimeouts.read(fields);
    if (tables == null || tables.isEmpty()) {
      fields.problem("tables", "a snapshot step needs the tables whose rows it keeps",
          "list them, e.g. tables: [contracts, contract_lines]");
    } else {
      Set<String> seen = new HashSet<>();
      for (String table : tables) {
        String[] parts = table.split("\\.", -1);
        boolean plain = parts.length <= 2;
        for (String part : parts) {
          plain &= !part.isBlank() && part.strip().equals(part) && !part.contains("\"");
        }
        if (!plain) {
          fields.problem("tables", "'" + table + "' is not a table name", "write table or schema.table, without quotes");
        } else if (table.getBytes(StandardCharsets.UTF_8).length > MAX_IDENTIFIER) {
          fields.problem("tables", "'" + table + "' is longer than " + MAX_IDENTIFIER + " bytes: its copy is named as"
              + " written, and PostgreSQL would cut the name", "leave out the schema when the table is on the search path");
        } else if (!seen.add(table)) {
          fields.problem("tables", "'" + table + "' is listed twice", "list each table once");
        }
      }
    }
    return new SnapshotSpec(tables, timeouts);
  }

  @Override
  public StepOutcome apply(StepContext context, SnapshotSpec spec) {
    DSLContext sql = context.sql();
    String schema = schemaName(context.runId(), context.step().id());
    sql.execute("CREATE SCHEMA {0}", DSL.name(schema));
    List<QueryPart> copies = new ArrayList<>();
    List<QueryPart> counts = new ArrayList<>();
    for (int i = 0; i < spec.tables().size(); i++) {
      String table = spec.tables().get(i);
      Name copied = DSL.name("copied_" + i);
      sql.execute("CREATE TABLE {0} AS TABLE {1} WITH NO DATA", copy(schema, table), live(table));
      copies.add(DSL.sql("{0} AS (INSERT INTO {1} SELECT * FROM {2} RETURNING 1)", copied, copy(schema, table),
          live(table)));
      counts.add(DSL.sql("(SELECT count(*) FROM {0})", copied));
    }
    // one statement: every table as of the same moment
    Record copied = sql.fetchOne("WITH {0} SELECT {1}", DSL.list(copies), DSL.list(counts));
    List<Map<String, Object>> tables = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < spec.tables().size(); i++) {
      long rows = ((Number) copied.get(i)).longValue();
      total += rows;
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("table", spec.tables().get(i));
      entry.put("rows", rows);
      tables.add(entry);
      kept.add(spec.tables().get(i) + " (" + StepOutcome.rows(rows) + ")");
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("schema", schema);
    report.put("tables", tables);
    return StepOutcome.passed("kept " + String.join(", ", kept) + " in schema " + schema, total, Json.write(report));
  }

  @Override
  public StepOutcome compensate(StepContext context, SnapshotSpec spec) {
    DSLContext sql = context.sql();
    String schema = schemaName(context.runId(), context.step().id());
    if (!Boolean.TRUE.equals(
        sql.fetchValue("SELECT to_regnamespace({0}) IS NOT NULL", DSL.inline(sql.render(DSL.name(schema)))))) {
      throw ApplicationFailure.newNonRetryableFailure("step '" + context.step().id() + "' cannot restore its tables:"
          + " the snapshot schema " + schema + " is gone", "StepFailed");
    }
    List<String> order = referencedFirst(sql, context.step().id(), spec.tables());
    sql.execute("TRUNCATE {0}", DSL.list(order.stream().map(SnapshotStep::live).toList()));
    List<String> restored = new ArrayList<>();
    long total = 0;
    for (String table : order) {
      List<String> generated = columns(sql, live(table), true);
      List<Name> columns = columns(sql, copy(schema, table), false).stream()
          .filter(column -> !generated.contains(column)).map(DSL::name).toList();
      long rows = sql.execute("INSERT INTO {0} ({1}) OVERRIDING SYSTEM VALUE SELECT {1} FROM {2}", live(table),
          DSL.list(columns), copy(schema, table));
      total += rows;
      restored.add(table + " (" + StepOutcome.rows(rows) + ")");
    }
    sql.execute("DROP SCHEMA {0} CASCADE", DSL.name(schema));
    return new StepOutcome("restored " + String.join(", ", restored) + " from schema " + schema, total);
  }

  /**
   * The snapshot's schema for a step of a run: readable, and unique through a hash of both ids
   * (cleaning the ids alone could make two runs' names the same, and cutting them to PostgreSQL's
   * 63 bytes too).
   */
  public static String schemaName(String runId, String stepId) {
    String readable = (runId + "_" + stepId).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    int room = MAX_IDENTIFIER - SCHEMA_PREFIX.length() - 1 - HASH_CHARS;
    if (readable.length() > room) {
      readable = readable.substring(0, room);
    }
    return SCHEMA_PREFIX + readable + "_" + hash(runId + "\n" + stepId);
  }

  private static String hash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static Name live(String table) {
    return DSL.name(table.split("\\."));
  }

  /** A table's copy, named as the plan writes the table (a dot included), in the snapshot's schema. */
  private static Name copy(String schema, String table) {
    return DSL.name(schema, table);
  }

  /** The table's column names in order; or only its generated ones. */
  private static List<String> columns(DSLContext sql, Name table, boolean generatedOnly) {
    return sql.fetch("SELECT attname FROM pg_catalog.pg_attribute WHERE attrelid = {0}::regclass AND attnum > 0"
            + " AND NOT attisdropped" + (generatedOnly ? " AND attgenerated <> ''" : "") + " ORDER BY attnum",
        DSL.inline(sql.render(table))).getValues(0, String.class);
  }

  /** The tables in an order that inserts every referenced table before those that reference it. */
  private static List<String> referencedFirst(DSLContext sql, String stepId, List<String> tables) {
    Map<Long, String> byOid = new LinkedHashMap<>();
    for (String table : tables) {
      Field<Long> oid = DSL.field("{0}::regclass::oid::bigint", Long.class, DSL.inline(sql.render(live(table))));
      byOid.put(sql.select(oid).fetchOne(oid), table);
    }
    Map<String, Set<String>> references = new LinkedHashMap<>();
    tables.forEach(table -> references.put(table, new HashSet<>()));
    for (Record edge : sql.fetch("SELECT conrelid::oid::bigint, confrelid::oid::bigint FROM pg_catalog.pg_constraint"
        + " WHERE contype = 'f' AND conrelid <> confrelid")) {
      String from = byOid.get(edge.get(0, Long.class));
      String to = byOid.get(edge.get(1, Long.class));
      if (from != null && to != null) {
        references.get(from).add(to);
      }
    }
    List<String> order = new ArrayList<>();
    while (order.size() < tables.size()) {
      String next = tables.stream().filter(t -> !order.contains(t) && order.containsAll(references.get(t)))
          .findFirst().orElse(null);
      if (next == null) {
        List<String> left = tables.stream().filter(t -> !order.contains(t)).toList();
        throw ApplicationFailure.newNonRetryableFailure("step '" + stepId + "' cannot restore " + String.join(", ", left)
            + ": their foreign keys reference each other in a cycle", "StepFailed");
      }
      order.add(next);
    }
    return order;
  }
}
