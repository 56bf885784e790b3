package cutover.activities.steps.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.ActivityEnvironments;
import cutover.activities.BeginRun;
import cutover.activities.LedgerActivities;
import cutover.activities.LedgerActivitiesImpl;
import cutover.activities.SqlRunner;
import cutover.activities.StepActivities;
import cutover.activities.StepActivitiesImpl;
import cutover.activities.StepCall;
import cutover.activities.StepResult;
import cutover.activities.Targets;
import cutover.activities.steps.StepKinds;
import cutover.plan.PlanParser;
import cutover.plan.PlanStep;
import cutover.testing.TestDatabase;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A {@code command} step's programs reach the step's own target through libpq's environment, and
 * the target's password is nowhere but in a private pass file that is gone after the command.
 */
class CommandConnectionTest {

  /** Prints the database psql connects to (or, without psql, the one PGDATABASE names) and the pass file's mode. */
  private static final String SCRIPT = "if command -v psql >/dev/null; then echo \"db=$(psql -Atc 'select"
      + " current_database()')\"; else echo \"db=$PGDATABASE (no psql)\"; fi;"
      + " echo \"mode=$(stat -c %a \"$PGPASSFILE\")\"; echo \"file=$PGPASSFILE\";"
      + " echo \"password=${PGPASSWORD:-unset}\"; echo \"app=$PGAPPNAME\"";

  @Test
  void aCommandConnectsToTheStepsTargetAndNeverShowsItsPassword() throws Exception {
    Targets.Target target = TestDatabase.newDatabase("command");
    String database = target.jdbcUrl().substring(target.jdbcUrl().lastIndexOf('/') + 1);
    try (Targets targets = Targets.of(List.of(target))) {
      TestActivityEnvironment env = ActivityEnvironments.create();
      env.registerActivitiesImplementations(new StepActivitiesImpl(new SqlRunner(targets), true),
          new LedgerActivitiesImpl(targets));
      ActivityOptions options = ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build();
      env.newActivityStub(LedgerActivities.class, options)
          .beginRun(new BeginRun(target.name(), "run-c", "p", "abc", "wf-c", "alice", false));
      String yaml = "name: p\ntarget: t\nphases:\n  - name: dump\n    steps:\n      - id: which-database\n"
          + "        kind: command\n        command: [sh, -c, " + quoted(SCRIPT) + "]\n";
      PlanStep step = PlanParser.parse(yaml, "command.yaml", Set.of("t"), StepKinds.ALL).step("which-database")
          .orElseThrow();

      StepResult result = env.newActivityStub(StepActivities.class, options)
          .apply(new StepCall(target.name(), "run-c", "dump", step));
      env.close();

      assertTrue(result.outcome().startsWith("command exited 0"), result.outcome());
      String report = text(target, "SELECT report FROM cutover.step_report WHERE step_id = 'which-database'");
      Map<String, String> printed = new HashMap<>();
      for (String line : report.substring(report.indexOf("\"tail\":[") + 8, report.indexOf(']', report.indexOf("\"tail\":[")))
          .split("\",\"")) {
        String clean = line.replace("\"", "");
        printed.put(clean.substring(0, clean.indexOf('=')), clean.substring(clean.indexOf('=') + 1));
      }
      assertTrue(printed.get("db").startsWith(database), report);
      assertEquals("600", printed.get("mode"), report);
      assertEquals("unset", printed.get("password"), "the password is in the pass file, not in PGPASSWORD");
      assertEquals("cutover command which-database", printed.get("app"));
      assertFalse(Files.exists(Path.of(printed.get("file"))), "the pass file is removed after the command");
      assertTrue(report.contains("\"connection\":[\"PGHOST\",\"PGPORT\",\"PGDATABASE\",\"PGUSER\",\"PGAPPNAME\","
          + "\"PGPASSFILE\"]"), report);
      String ledger = text(target, "SELECT outcome FROM cutover.step WHERE step_id = 'which-database'") + report;
      assertFalse(ledger.contains(TestDatabase.password()), ledger);
      assertFalse(result.toString().contains(TestDatabase.password()), result.toString());
    }
  }

  @Test
  void theJdbcUrlBecomesLibpqVariables() throws Exception {
    Targets.Target target = new Targets.Target("t", "jdbc:postgresql://db1.internal:5433,[::1]/shop%20db?sslmode=verify-ca"
        + "&sslrootcert=/etc/ca.pem&currentSchema=app&connectTimeout=7&targetServerType=primary&ApplicationName=dump",
        "svc", "p:w\\d");
    try (LibpqEnvironment libpq = LibpqEnvironment.of(target, "cutover command s")) {
      Map<String, String> child = new HashMap<>(Map.of("PGSERVICE", "elsewhere", "PATH", "/bin"));
      libpq.applyTo(child);
      assertEquals("db1.internal,::1", child.get("PGHOST"));
      assertEquals("5433,5432", child.get("PGPORT"));
      assertEquals("shop db", child.get("PGDATABASE"));
      assertEquals("svc", child.get("PGUSER"));
      assertEquals("verify-ca", child.get("PGSSLMODE"));
      assertEquals("/etc/ca.pem", child.get("PGSSLROOTCERT"));
      assertEquals("-c search_path=app", child.get("PGOPTIONS"));
      assertEquals("7", child.get("PGCONNECT_TIMEOUT"));
      assertEquals("primary", child.get("PGTARGETSESSIONATTRS"));
      assertEquals("dump", child.get("PGAPPNAME"));
      assertEquals("/bin", child.get("PATH"));
      assertFalse(child.containsKey("PGSERVICE"), "the worker's own PG variables do not reach the command");
      assertFalse(child.containsValue("p:w\\d"));
      Path passFile = Path.of(child.get("PGPASSFILE"));
      assertEquals("*:*:*:*:p\\:w\\\\d\n", Files.readString(passFile));
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(passFile)));
      libpq.close();
      assertFalse(Files.exists(passFile));
    }
    try (LibpqEnvironment plain = LibpqEnvironment.of(new Targets.Target("t", "jdbc:postgresql:orders", null, null),
        "x")) {
      Map<String, String> child = new HashMap<>();
      plain.applyTo(child);
      assertEquals(Map.of("PGHOST", "localhost", "PGPORT", "5432", "PGDATABASE", "orders", "PGAPPNAME", "x"), child);
    }
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String text(Targets.Target target, String sql) throws Exception {
    try (Connection c = TestDatabase.connect(target); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
