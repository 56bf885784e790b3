package cutover.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.steps.StepState;
import cutover.testing.TestDatabase;
import cutover.workflows.CutoverResult;
import cutover.workflows.PhaseResult;
import cutover.workflows.RunState;
import cutover.workflows.StepView;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * examples/invoice-reader-first end to end: stages A to E run with the test approving each gate
 * and the scheduler's one-day soak time-skipped, the database looked at after each stage; then,
 * on a fresh database, a run stopped at the go for contract cadence (just before the point of no
 * return) rolls back to the very schema and data it started from.
 */
class InvoiceReaderFirstExampleTest {
  static final String EXAMPLE = "invoice-reader-first";
  static final String HISTORICAL_CHARGES = "SELECT count(*) FROM invoice_charges";

  @Test
  void runsStagesAToEWithHistoricalInvoicesWorkingThroughout() throws Exception {
    try (ExampleRun example = ExampleRun.of(EXAMPLE)) {
      long charges = TestDatabase.count(example.database(), HISTORICAL_CHARGES);
      List<String> gates = new ArrayList<>();
      example.start("irf-forward", false);
      assertNull(example.drive("irf-forward", gate -> {
        gates.add(gate);
        try (Connection c = example.connect()) {
          switch (gate) {
            case "readers-deployed" -> assertEquals(example.original(), example.now(), "nothing runs before stage A's go");
            case "first-canonical-billing-run" -> {
              // stage A: the empty detail table, the dual-shape reader, the policies, readers flagged on
              assertEquals(0, one(c, "SELECT count(*) FROM invoice_charge_details"));
              assertEquals(charges, one(c, "SELECT count(*) FROM invoice_charge_periods"
                  + " WHERE service_period_source IN ('header-fallback', 'financial-only')"));
              assertEquals(3, one(c, "SELECT count(*) FROM reader_flattening_policy"));
              assertEquals("true", flag(c, "dual-shape-readers"));
              assertEquals("true", flag(c, "canonical-detail-writes"));
              billAsTheApplication(c);
            }
            case "scheduler-deployed" -> {
              // stage B: the new invoice reads from its canonical details, the historical ones from their summary
              assertEquals(2, one(c, "SELECT count(*) FROM invoice_charge_periods"
                  + " WHERE service_period_source = 'canonical-detail'"));
              assertEquals(charges, one(c, "SELECT count(*) FROM invoice_charge_periods"
                  + " WHERE service_period_source <> 'canonical-detail'"));
            }
            case "grouping-deployed" -> {
              // stage C: one execution window per billing cycle, bridged, with deterministic retry keys
              assertEquals(one(c, "SELECT count(*) FROM client_billing_cycles"),
                  one(c, "SELECT count(*) FROM recurring_execution_windows WHERE billing_cycle_id IS NOT NULL"));
              assertEquals("true", flag(c, "execution-window-scheduler"));
            }
            case "contract-cadence-go" -> {
              // stage D, and E's guard: explicit grouping for the pilots; the unsupported combination fails fast
              assertEquals(List.of("Bluefin Networks", "Cobalt Support Desk"), strings(c, "SELECT t.name FROM"
                  + " tenant_billing_settings s JOIN tenants t USING (tenant) WHERE invoice_grouping = 'explicit' ORDER BY 1"));
              assertTrue(one(c, "SELECT count(*) FROM invoice_candidate_groups") > 0);
              SQLException refused = assertThrows(SQLException.class, () -> execute(c, "UPDATE tenant_billing_settings s"
                  + " SET cadence_owner = 'contract' FROM tenants t WHERE t.tenant = s.tenant AND t.name = 'Northwind Managed IT'"));
              assertTrue(refused.getMessage().contains("tenant Northwind Managed IT: cadence_owner = contract is not"
                  + " supported with invoice_grouping = client-cycle"), refused.getMessage());
            }
            default -> throw new AssertionError("unexpected gate " + gate);
          }
        }
        return true;
      }));
      CutoverResult result = example.result("irf-forward");
      assertEquals(RunState.COMPLETED, result.state());
      assertEquals(List.of("readers-deployed", "first-canonical-billing-run", "scheduler-deployed", "grouping-deployed",
          "contract-cadence-go"), gates);
      List<StepView> commands = result.phases().stream().flatMap(p -> p.steps().stream())
          .filter(s -> s.kind().equals("command")).toList();
      assertEquals(4, commands.size());
      commands.forEach(s -> assertTrue(s.state() == StepState.COMPLETED && s.outcome().startsWith("command exited 0"),
          s.id() + ": " + s.outcome()));
      assertEquals(List.of("a-readers", "b-writers", "c-scheduler", "d-grouping", "e-contract-cadence"),
          result.phases().stream().map(PhaseResult::phase).toList());

      try (Connection c = example.connect()) {
        // stage E: the pilot schedules by contract; historical flat invoices still hydrate
        assertEquals(List.of("Cobalt Support Desk"), strings(c, "SELECT t.name FROM tenant_billing_settings s"
            + " JOIN tenants t USING (tenant) WHERE cadence_owner = 'contract'"));
        assertEquals("true", flag(c, "contract-cadence"));
        assertEquals(charges, one(c, "SELECT count(*) FROM invoice_charge_periods p JOIN invoices i USING (tenant, invoice_id)"
            + " WHERE i.invoice_date < date '2026-01-01' AND p.service_period_source <> 'canonical-detail'"));
        assertEquals(2, one(c, "SELECT count(*) FROM invoice_charge_details"), "canonical detail rows are kept");
      }
    }
  }

  @Test
  void rollsBackFromJustBeforeThePointOfNoReturnToTheOriginal() throws Exception {
    try (ExampleRun example = ExampleRun.of(EXAMPLE)) {
      example.start("irf-rollback", false);
      assertEquals("contract-cadence-go", example.drive("irf-rollback", gate -> !gate.equals("contract-cadence-go")));
      try (Connection c = example.connect()) {
        assertTrue(one(c, "SELECT count(*) FROM recurring_execution_windows") > 0, "stages A to D are applied");
      }
      assertEquals(RunState.ROLLED_BACK, example.rollBack("irf-rollback", "stage D regressed").state());
      var after = example.now();
      assertEquals(example.original().schema(), after.schema());
      assertEquals(example.original().tables(), after.tables());
    }
  }

  /** What the application's recurring billing run writes once canonical writes are on: one invoice, its details. */
  private static void billAsTheApplication(Connection c) throws SQLException {
    execute(c, """
        INSERT INTO invoices (tenant, invoice_id, client_id, billing_cycle_id, invoice_kind, invoice_number, invoice_date, total_cents)
        SELECT tenant, md5('new-invoice')::uuid, client_id, NULL, 'recurring', 'INV-202601-NEW', date '2026-01-01', 3000
        FROM clients ORDER BY tenant, client_id LIMIT 1;
        INSERT INTO invoice_charges (tenant, item_id, invoice_id, description, amount_cents, service_period_start, service_period_end)
        SELECT tenant, md5('new-charge')::uuid, invoice_id, 'Managed services', 3000, date '2026-01-01', date '2026-01-31'
        FROM invoices WHERE invoice_number = 'INV-202601-NEW';
        INSERT INTO invoice_charge_details (tenant, item_detail_id, item_id, service_period_start, service_period_end, amount_cents)
        SELECT tenant, md5('new-detail-' || n)::uuid, item_id, date '2026-01-01' + (n - 1) * 16,
               CASE n WHEN 1 THEN date '2026-01-16' ELSE date '2026-01-31' END, 1500
        FROM invoice_charges CROSS JOIN generate_series(1, 2) AS n WHERE description = 'Managed services'
          AND service_period_start = date '2026-01-01'""");
  }

  static String flag(Connection c, String name) throws SQLException {
    List<String> values = strings(c, "SELECT value FROM cutover.flag WHERE tenant = '' AND name = '" + name + "'");
    return values.isEmpty() ? null : values.get(0);
  }

  static long one(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  static List<String> strings(Connection c, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(sql); ResultSet r = s.executeQuery()) {
      while (r.next()) {
        values.add(r.getString(1));
      }
    }
    return values;
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
