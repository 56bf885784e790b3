package cutover.examples;

import static cutover.examples.InvoiceReaderFirstExampleTest.execute;
import static cutover.examples.InvoiceReaderFirstExampleTest.one;
import static cutover.examples.InvoiceReaderFirstExampleTest.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.Targets;
import cutover.testing.DatabaseState;
import cutover.testing.TestDatabase;
import cutover.workflows.CutoverResult;
import cutover.workflows.PhaseResult;
import cutover.workflows.RunState;
import cutover.workflows.StepView;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * examples/reporting-rollout end to end: phases 0 to 4 with the test approving each gate and
 * wave, each soak skipped after its first clean check (they check every 5 minutes, in real time),
 * the release window's wait time-skipped; the database looked at after each phase: the flag per
 * cohort, run_on backfilled and read, herat-serai's rows copied from target region-af and its
 * lock lifted. Meanwhile, on fresh databases, a run stopped at the go for dropping run_date (just
 * before the point of no return) rolls back to the very schema and data it started from.
 */
class ReportingRolloutExampleTest {
  static final String EXAMPLE = "reporting-rollout";
  static final String AF = "region-af";
  static final String FLAGGED = "SELECT string_agg(tenant_id, ',' ORDER BY tenant_id) FROM tenant_features"
      + " WHERE feature = 'reporting_v1' AND enabled";
  static final String MOVED = "tenant_id = 'herat-serai'";

  /** The two runs at once, each on databases and a test server of its own: most of their time is waiting. */
  @Test
  void rollsOutToTheEndAndAFreshRunRollsBackFromJustBeforeThePointOfNoReturn() throws Exception {
    ExecutorService background = Executors.newSingleThreadExecutor();
    try {
      Future<?> rollback = background.submit(() -> {
        rollsBackFromJustBeforeThePointOfNoReturnToTheOriginal();
        return null;
      });
      rollsOutPhaseByPhaseAndMovesATenantFromAfToIn();
      try {
        rollback.get();
      } catch (ExecutionException failed) {
        if (failed.getCause() instanceof Error error) {
          throw error;
        }
        throw (Exception) failed.getCause();
      }
    } finally {
      background.shutdownNow();
    }
  }

  private static void rollsOutPhaseByPhaseAndMovesATenantFromAfToIn() throws Exception {
    try (ExampleRun example = ExampleRun.of(EXAMPLE)) {
      Targets.Target af = example.target(AF);
      DatabaseState afBefore = state(af);
      List<String> gates = new ArrayList<>();
      example.start("rr-forward", false);
      assertNull(example.drive("rr-forward", gate -> {
        gates.add(gate);
        try (Connection c = example.connect()) {
          if (gate.equals("readiness-green")) {
            // phase 0: every tenant-scoped reporting table isolated by row-level security; the flag on for nobody
            assertEquals(3, one(c, "SELECT count(*) FROM pg_class WHERE relrowsecurity AND relname IN"
                + " ('report_schedules', 'report_runs', 'regulatory_submissions')"));
            assertEquals(0, one(c, "SELECT count(*) FROM tenant_features"));
          } else if (gate.startsWith("p2-pilot-flags.")) {
            // phase 1 done (the internal tenant), phase 2's canary: the AF pilot first
            assertEquals("kabul-grand,melmastoon-internal", text(c, FLAGGED));
          } else if (gate.startsWith("p4-ga-cohorts.") && gates.stream().filter(g -> g.startsWith("p4-")).count() == 1) {
            // phases 2 and 3 done: every pilot, the regulatory adapters for the AF and KSA pilots; GA's IN cohort
            assertEquals("kabul-grand", text(c, "SELECT string_agg(tenant_id, ',') FROM tenant_features"
                + " WHERE feature = 'af_police_submission'"));
            assertEquals("riyadh-palms", text(c, "SELECT string_agg(tenant_id, ',') FROM tenant_features"
                + " WHERE feature = 'ksa_vat'"));
            assertEquals("delhi-residency,jaipur-haveli,kabul-grand,melmastoon-internal,mumbai-bay,riyadh-palms",
                text(c, FLAGGED));
          } else if (gate.startsWith("p4-ga-cohorts.")) {
            // the AF cohort after IN; KSA's waits for this approval
            assertEquals(0, one(c, "SELECT count(*) FROM tenants t WHERE residency IN ('in', 'af') AND NOT EXISTS"
                + " (SELECT 1 FROM tenant_features f WHERE f.tenant_id = t.tenant_id AND f.feature = 'reporting_v1')"));
            assertEquals(2, one(c, "SELECT count(*) FROM tenants t WHERE residency = 'ksa' AND NOT EXISTS"
                + " (SELECT 1 FROM tenant_features f WHERE f.tenant_id = t.tenant_id AND f.feature = 'reporting_v1')"));
          } else if (gate.equals("unlock-go")) {
            lookedAtWhileMoving(c, af);
          } else if (gate.equals("drop-run-date-go")) {
            // unlocked in IN: the setting gone, the database's freeze lifted, the tenant writes again
            assertEquals(0, one(c, "SELECT count(*) FROM tenant_features WHERE feature = 'read_only'"));
            assertEquals(0, one(c, "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'cutover_frozen%'"));
            execute(c, "UPDATE report_schedules SET cron = cron WHERE " + MOVED);
          } else {
            throw new AssertionError("unexpected gate " + gate);
          }
        }
        return true;
      }));
      CutoverResult result = example.result("rr-forward");
      assertEquals(RunState.COMPLETED, result.state());
      assertEquals(6, gates.size(), gates.toString());
      assertEquals(List.of("p0-foundation", "p1-internal-canary", "p2-pilot-flags", "p2-pilot-slo",
          "p3-regulatory-opt-in", "p4-ga-cohorts", "p4-ga-slo", "evolve-expand", "residency-move", "evolve-contract"),
          result.phases().stream().map(PhaseResult::phase).toList());
      List<StepView> soaks = result.phases().stream().flatMap(p -> p.steps().stream())
          .filter(s -> s.kind().equals("soak")).toList();
      assertEquals(4, soaks.size());
      soaks.forEach(s -> assertTrue(s.outcome().startsWith("skipped by " + ExampleRun.APPROVER), s.id() + ": "
          + s.outcome()));
      try (Connection c = example.connect()) {
        // general availability, and the contract half of the two-phase change
        assertEquals(10, one(c, "SELECT count(*) FROM tenant_features WHERE feature = 'reporting_v1' AND enabled"));
        assertEquals(0, one(c, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'report_runs'"
            + " AND column_name = 'run_date'"));
        assertEquals(900, one(c, "SELECT count(*) FROM report_runs WHERE run_on IS NOT NULL"));
      }
      assertEquals(afBefore, state(af), "the source region is only read");
    }
  }

  /** At the unlock's go: run_on backfilled and read, the tenant's rows in IN as in AF, its rows frozen, its region IN. */
  private static void lookedAtWhileMoving(Connection c, Targets.Target af) throws SQLException {
    assertEquals(0, one(c, "SELECT count(*) FROM report_runs WHERE run_on IS DISTINCT FROM run_date::date"));
    assertEquals(1, one(c, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'report_run_history'"
        + " AND column_name = 'run_on'"));
    assertEquals(0, one(c, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'report_run_history'"
        + " AND column_name = 'run_date'"));
    try (Connection source = TestDatabase.connect(af)) {
      for (String table : List.of("report_schedules", "report_runs")) {
        String rows = "SELECT md5(string_agg(r::text, ',' ORDER BY r::text)) FROM (SELECT tenant_id, schedule_id,"
            + (table.equals("report_runs") ? " run_id, template_id, template_version, run_date, status, duration_ms"
            : " template_id, cron") + " FROM " + table + " WHERE " + MOVED + ") AS r";
        assertEquals(text(source, rows), text(c, rows), table + " of herat-serai in IN as in AF");
      }
      assertEquals(one(source, "SELECT count(*) FROM regulatory_submissions WHERE " + MOVED),
          one(c, "SELECT count(*) FROM regulatory_artifact_index WHERE original_region = 'af' AND " + MOVED));
    }
    assertEquals(100, one(c, "SELECT count(*) FROM report_runs WHERE " + MOVED + " AND run_on IS NOT NULL"));
    assertEquals("in", text(c, "SELECT residency FROM tenants WHERE " + MOVED));
    assertEquals(1, one(c, "SELECT count(*) FROM event_outbox WHERE subject = 'tenant.region_changed.v1'"));
    assertEquals(1, one(c, "SELECT count(*) FROM tenant_features WHERE " + MOVED + " AND feature = 'read_only'"));
    SQLException refused = assertThrows(SQLException.class,
        () -> execute(c, "UPDATE report_runs SET status = 'failed' WHERE " + MOVED + " AND run_id = 1"));
    assertTrue(refused.getMessage().contains("is frozen where tenant_id = 'herat-serai'"), refused.getMessage());
    execute(c, "UPDATE report_runs SET duration_ms = duration_ms WHERE tenant_id = 'mumbai-bay' AND run_id = 1");
  }

  private static void rollsBackFromJustBeforeThePointOfNoReturnToTheOriginal() throws Exception {
    try (ExampleRun example = ExampleRun.of(EXAMPLE)) {
      DatabaseState afBefore = state(example.target(AF));
      example.start("rr-rollback", false);
      assertEquals("drop-run-date-go", example.drive("rr-rollback", gate -> !gate.equals("drop-run-date-go")));
      try (Connection c = example.connect()) {
        assertEquals(100, one(c, "SELECT count(*) FROM report_runs WHERE " + MOVED), "the move is applied");
      }
      assertEquals(RunState.ROLLED_BACK, example.rollBack("rr-rollback", "run_on readers regressed").state());
      DatabaseState after = example.now();
      assertEquals(example.original().schema(), after.schema());
      assertEquals(example.original().tables(), after.tables());
      assertEquals(afBefore, state(example.target(AF)));
    }
  }

  private static DatabaseState state(Targets.Target target) throws SQLException {
    try (Connection c = TestDatabase.connect(target)) {
      return DatabaseState.of(c);
    }
  }

  private static String text(Connection c, String sql) throws SQLException {
    return strings(c, sql).get(0);
  }
}
