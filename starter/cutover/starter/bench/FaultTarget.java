package cutover.starter.bench;

import cutover.activities.Targets;
import cutover.worker.DevEnvironment;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A database the fault suite cuts over, reached with the worker's own credentials: the example
 * loaded afresh before each run, the source rows kept aside, and after the run the copies and
 * the ledger compared with them. The suite's own sessions carry their own application_name, so
 * the worker's sessions ({@value #WORKER_APPLICATION}) can be told apart and terminated.
 */
final class FaultTarget {
  /** What the worker's pool sets (Targets): the sessions the connection faults terminate. */
  static final String WORKER_APPLICATION = "cutover";
  static final String SUITE_APPLICATION = "cutover-bench-faults";
  static final String EXAMPLE = "contract-templates";
  /** The example's engine workload (workload.*): the three-phase plan with one gate the suite approves. */
  static final String WORKLOAD = "workload.";

  /**
   * Each table the example's cutover leaves, as a query of its rows, next to the same rows read
   * before the run (into schema faults_source). Lost rows are source rows without their copy,
   * doubled rows copies beyond one per source row (multiset differences, EXCEPT ALL).
   */
  private static final Map<String, String[]> COMPARED = new LinkedHashMap<>();

  static {
    COMPARED.put("contract_templates", new String[] {
        "SELECT tenant, contract_id, contract_name, template_metadata, created_at FROM contracts WHERE is_template",
        "SELECT tenant, template_id, template_name, template_metadata, created_at FROM contract_templates"});
    COMPARED.put("contract_template_lines", new String[] {
        "SELECT cl.tenant, cl.contract_line_id, cl.contract_id, cl.line_name, cl.billing_frequency, cl.display_order,"
            + " cl.rate FROM contract_lines cl JOIN contracts c ON c.tenant = cl.tenant"
            + " AND c.contract_id = cl.contract_id WHERE c.is_template",
        "SELECT tenant, template_line_id, template_id, line_name, billing_frequency, display_order, rate"
            + " FROM contract_template_lines"});
    COMPARED.put("contracts", new String[] {
        "SELECT tenant, contract_id, contract_name, status, created_at FROM contracts WHERE NOT is_template",
        "SELECT tenant, contract_id, contract_name, status, created_at FROM contracts"});
    COMPARED.put("contract_lines", new String[] {
        "SELECT cl.tenant, cl.contract_line_id, cl.contract_id, cl.line_name, cl.billing_frequency, cl.display_order,"
            + " cl.rate FROM contract_lines cl JOIN contracts c ON c.tenant = cl.tenant"
            + " AND c.contract_id = cl.contract_id WHERE NOT c.is_template",
        "SELECT tenant, contract_line_id, contract_id, line_name, billing_frequency, display_order, rate"
            + " FROM contract_lines"});
  }

  final Targets.Target target;

  FaultTarget(Targets.Target target) {
    this.target = target;
  }

  String name() {
    return target.name();
  }

  /** A session of the suite (never the worker's application_name). */
  Connection connect(String application) throws SQLException {
    Properties properties = new Properties();
    if (target.user() != null) {
      properties.setProperty("user", target.user());
    }
    if (target.password() != null) {
      properties.setProperty("password", target.password());
    }
    properties.setProperty("ApplicationName", application);
    return DriverManager.getConnection(target.jdbcUrl(), properties);
  }

  /** The example's tables dropped and loaded again, its source rows kept in schema faults_source. */
  void loadExample() throws IOException, SQLException {
    execute("DROP VIEW IF EXISTS contract_template_compare_view;"
        + " DROP TABLE IF EXISTS contract_template_lines, contract_templates, contract_lines, contracts, tenants CASCADE;"
        + " DROP SCHEMA IF EXISTS faults_source CASCADE");
    execute(DevEnvironment.exampleFile(EXAMPLE, WORKLOAD + "schema.sql"));
    execute(DevEnvironment.exampleFile(EXAMPLE, WORKLOAD + "data.sql"));
    execute("CREATE SCHEMA faults_source");
    for (Map.Entry<String, String[]> table : COMPARED.entrySet()) {
      execute("CREATE TABLE faults_source." + table.getKey() + " AS " + table.getValue()[0]);
    }
  }

  /** Every compared table after a run, against its source rows. */
  List<TableCheck> compareWithSource() throws SQLException {
    List<TableCheck> checks = new ArrayList<>();
    for (Map.Entry<String, String[]> table : COMPARED.entrySet()) {
      String source = "SELECT * FROM faults_source." + table.getKey();
      String copy = table.getValue()[1];
      checks.add(new TableCheck(table.getKey(), number("SELECT count(*) FROM (" + source + ") s"),
          number("SELECT count(*) FROM (" + source + " EXCEPT ALL " + copy + ") d"),
          number("SELECT count(*) FROM (" + copy + " EXCEPT ALL " + source + ") d"),
          text(checksum(source)), text(checksum(copy))));
    }
    return checks;
  }

  /** md5 over the rows' text in order: equal for equal multisets of rows. */
  private static String checksum(String query) {
    return "SELECT md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) FROM (" + query + ") r";
  }

  record TableCheck(String table, long sourceRows, long lost, long doubled, String sourceMd5, String copyMd5) {
    boolean exact() {
      return lost == 0 && doubled == 0 && sourceMd5.equals(copyMd5);
    }

    @Override
    public String toString() {
      return String.format("%s: %d source rows, lost %d, doubled %d, md5 %s %s %s", table, sourceRows, lost, doubled,
          sourceMd5.substring(0, 12), exact() ? "=" : "≠", copyMd5.substring(0, 12));
    }
  }

  /** Rows of the ledger's step table for a run: (step, action) to how many rows. */
  Map<String, Long> ledgerRows(String run) throws SQLException {
    Map<String, Long> rows = new LinkedHashMap<>();
    try (Connection c = connect(SUITE_APPLICATION); PreparedStatement s = c.prepareStatement(
        "SELECT step_id || ' ' || action, count(*) FROM cutover.step WHERE run_id = ? GROUP BY 1 ORDER BY 1")) {
      s.setString(1, run);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.put(r.getString(1), r.getLong(2));
        }
      }
    }
    return rows;
  }

  /** Accepted decisions of a run: "decision gate" to how many. */
  Map<String, Long> acceptedDecisions(String run) throws SQLException {
    Map<String, Long> rows = new LinkedHashMap<>();
    try (Connection c = connect(SUITE_APPLICATION); PreparedStatement s = c.prepareStatement(
        "SELECT decision || ' ' || step_id, count(*) FROM cutover.decision WHERE run_id = ? AND accepted"
            + " GROUP BY 1 ORDER BY 1")) {
      s.setString(1, run);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.put(r.getString(1), r.getLong(2));
        }
      }
    }
    return rows;
  }

  /**
   * What the run has left in the ledger so far: steps recorded, batches committed, events and
   * decisions. A change means the run moved.
   */
  String progress(String run) {
    try (Connection c = connect(SUITE_APPLICATION); PreparedStatement s = c.prepareStatement(
        "SELECT (SELECT count(*) FROM cutover.step WHERE run_id = ?) || '/'"
            + " || (SELECT coalesce(sum(batches), 0) FROM cutover.backfill_checkpoint WHERE run_id = ?) || '/'"
            + " || (SELECT count(*) FROM cutover.run_event WHERE run_id = ?) || '/'"
            + " || (SELECT count(*) FROM cutover.decision WHERE run_id = ?)")) {
      for (int i = 1; i <= 4; i++) {
        s.setString(i, run);
      }
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getString(1);
      }
    } catch (SQLException noLedgerYet) {
      return "";
    }
  }

  /** The run's own work so far: steps recorded and batches committed (no events, no decisions). */
  String work(String run) {
    String progress = progress(run);
    int cut = progress.indexOf('/', progress.indexOf('/') + 1);
    return cut < 0 ? progress : progress.substring(0, cut);
  }

  /** Rows copied so far by the run's backfills (0 before the ledger has any). */
  long rowsDone(String run) {
    try {
      return number("SELECT coalesce(sum(rows_done), 0) FROM cutover.backfill_checkpoint WHERE run_id = '"
          + run.replace("'", "''") + "'");
    } catch (SQLException noLedgerYet) {
      return 0;
    }
  }

  /** Backfill parts of the run that are not done, as "step/part state". */
  List<String> unfinishedParts(String run) throws SQLException {
    List<String> parts = new ArrayList<>();
    try (Connection c = connect(SUITE_APPLICATION); PreparedStatement s = c.prepareStatement(
        "SELECT step_id || '/' || part || ' ' || state FROM cutover.backfill_checkpoint"
            + " WHERE run_id = ? AND action = 'apply' AND state <> 'done' ORDER BY 1")) {
      s.setString(1, run);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          parts.add(r.getString(1));
        }
      }
    }
    return parts;
  }

  /** Terminates the worker's sessions that are running a statement now; how many were ended. */
  int terminateWorkerStatements() throws SQLException {
    try (Connection c = connect(SUITE_APPLICATION); PreparedStatement s = c.prepareStatement(
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            + " WHERE application_name = ? AND datname = current_database() AND state = 'active'"
            + " AND pid <> pg_backend_pid()")) {
      s.setString(1, WORKER_APPLICATION);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }

  void execute(String sql) throws SQLException {
    try (Connection c = connect(SUITE_APPLICATION); Statement s = c.createStatement()) {
      s.execute("SET statement_timeout = 0");
      s.execute(sql);
    }
  }

  long number(String sql) throws SQLException {
    return Long.parseLong(text(sql));
  }

  String text(String sql) throws SQLException {
    try (Connection c = connect(SUITE_APPLICATION); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }

  /**
   * A targets file for a worker serving exactly these targets (readable by its owner only: it
   * holds the passwords).
   */
  static Path writeTargetsFile(List<FaultTarget> targets) throws IOException {
    Path file = Files.createTempFile("cutover-faults-targets", ".properties",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Properties properties = new Properties();
    for (FaultTarget t : targets) {
      properties.setProperty(t.name() + ".url", t.target.jdbcUrl());
      if (t.target.user() != null) {
        properties.setProperty(t.name() + ".user", t.target.user());
      }
      if (t.target.password() != null) {
        properties.setProperty(t.name() + ".password", t.target.password());
      }
    }
    try (Writer writer = Files.newBufferedWriter(file)) {
      properties.store(writer, "targets of a cutover worker started by `cutover bench faults`");
    }
    file.toFile().deleteOnExit();
    return file;
  }
}
