package cutover.examples;

import static cutover.examples.InvoiceReaderFirstExampleTest.execute;
import static cutover.examples.InvoiceReaderFirstExampleTest.one;
import static cutover.examples.InvoiceReaderFirstExampleTest.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.steps.StepState;
import cutover.workflows.CutoverResult;
import cutover.workflows.PhaseResult;
import cutover.workflows.RunState;
import cutover.workflows.StepView;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * examples/default-contract-gates end to end: stages 1 to 9 with the test approving each gate
 * (and acting as the application where a stage's gate needs application writes), stage 5's day
 * in staging time-skipped, an ambiguous-growth regression at stage 4 met by the check's fix; then,
 * on a fresh database, a run stopped at the go for dropping compatibility parsing (just before the
 * point of no return) rolls back to the very schema and data it started from.
 */
class DefaultContractGatesExampleTest {
  static final String EXAMPLE = "default-contract-gates";
  static final String AMBIGUOUS_CLIENT = "(SELECT owner_client_id FROM contracts WHERE contract_name LIKE '%Project support'"
      + " ORDER BY tenant, owner_client_id LIMIT 1)";

  @Test
  void runsStagesOneToNineEachGatedOnItsChecks() throws Exception {
    try (ExampleRun example = ExampleRun.of(EXAMPLE)) {
      List<String> gates = new ArrayList<>();
      example.start("dcg-forward", true);
      List<String> failed = new ArrayList<>();
      assertNull(example.drive("dcg-forward", gate -> {
        gates.add(gate);
        try (Connection c = example.connect()) {
          switch (gate) {
            case "manual-smoke-billing-settings" -> {
              // stage 1 passed, stage 3 has not started
              assertEquals(0, one(c, "SELECT count(*) FROM contracts WHERE is_system_managed_default"), "ensure is lazy");
              assertEquals(0, one(c, "SELECT count(*) FROM pg_views WHERE viewname = 'eligible_contract_lines'"));
              touchBillingSettings(c);
              // and an eager backfill, against the rule: stage 2's gate must hold stage 3 back
              execute(c, "SELECT ensure_default_contract_for_client(tenant, client_id) FROM (SELECT tenant, client_id"
                  + " FROM clients k WHERE NOT EXISTS (SELECT 1 FROM billing_settings b WHERE b.tenant = k.tenant"
                  + " AND b.client_id = k.client_id) ORDER BY tenant, client_id LIMIT 1) AS eager");
            }
            case "reconciliation-deployed" -> {
              // stages 2 and 3: five defaults from five touched settings, the resolver and the baseline
              assertEquals(5, one(c, "SELECT count(*) FROM contracts WHERE is_system_managed_default"));
              assertEquals(0, one(c, "SELECT count(*) FROM pg_views WHERE viewname = 'due_work'"));
              assertEquals(5, one(c, "SELECT count(*) FROM contract_assignments a JOIN contracts k USING (tenant, contract_id)"
                  + " WHERE k.is_system_managed_default"));
              assertTrue(one(c, "SELECT count(*) FROM entry_resolution WHERE matches > 1") > 0, "the data has ambiguity");
              // the regression: a new ambiguous entry arrives while reconciliation rolls out
              execute(c, "INSERT INTO time_entries (tenant, entry_id, client_id, service_name, work_date, minutes)"
                  + " SELECT tenant, md5('late-entry')::uuid, owner_client_id, 'Help desk', date '2025-06-02', 30"
                  + " FROM contracts WHERE owner_client_id = " + AMBIGUOUS_CLIENT + " LIMIT 1");
            }
            case "lifecycle-delete-smoke" -> {
              // stage 4: deterministic rows written back, the regressed candidate's grouped generation disabled
              assertEquals(0, one(c, "SELECT count(*) FROM time_entries e JOIN entry_resolution r USING (tenant, entry_id)"
                  + " WHERE e.contract_line_id IS NULL AND r.matches = 1"));
              assertEquals(List.of("ambiguous unresolved entries grew during stage 4 reconciliation"),
                  strings(c, "SELECT reason FROM grouped_generation_disabled WHERE client_id = " + AMBIGUOUS_CLIENT));
              assertEquals(1, one(c, "SELECT count(*) FROM grouped_generation_disabled"));
              // stages 5 and 6: grouped generation on; a default contract cannot be deleted on its own
              assertEquals("true", InvoiceReaderFirstExampleTest.flag(c, "grouped-generation"));
              SQLException guarded = assertThrows(SQLException.class, () -> execute(c,
                  "DELETE FROM contracts WHERE is_system_managed_default"));
              assertTrue(guarded.getMessage().contains("is the system-managed default of its client"), guarded.getMessage());
              deleteAClientAsTheApplication(c);
            }
            case "lower-env-log-payloads" -> {
              assertEquals(0, one(c, "SELECT count(*) FROM contracts WHERE is_system_managed_default AND NOT EXISTS"
                  + " (SELECT 1 FROM clients k WHERE k.tenant = contracts.tenant AND k.client_id = contracts.owner_client_id)"));
              assertEquals(0, one(c, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'recurring_authority'"));
            }
            case "drop-compatibility-parsing-go" -> {
              assertEquals(0, one(c, "SELECT count(*) FROM contracts WHERE is_system_managed_default AND recurring_authority"));
              assertEquals(1, one(c, "SELECT count(*) FROM pg_constraint WHERE conname = 'contracts_default_attribution_only'"
                  + " AND convalidated"));
            }
            default -> throw new AssertionError("unexpected gate " + gate);
          }
        }
        return true;
      }, phase -> {
        failed.add(phase.currentStep());
        assertTrue(phase.lastError().contains("ensure-stays-lazy"), phase.lastError());
        try (Connection c = example.connect()) {
          assertEquals(0, one(c, "SELECT count(*) FROM pg_views WHERE viewname = 'eligible_contract_lines'"),
              "stage 3 has not started");
          // the operator removes the eagerly created default, then retries the gate
          execute(c, "DELETE FROM contract_assignments a USING contracts k WHERE k.tenant = a.tenant"
              + " AND k.contract_id = a.contract_id AND k.is_system_managed_default AND NOT EXISTS (SELECT 1 FROM"
              + " billing_settings b WHERE b.tenant = k.tenant AND b.client_id = k.owner_client_id AND b.billing_cycle IS NOT NULL);"
              + " DELETE FROM contracts k WHERE k.is_system_managed_default AND NOT EXISTS (SELECT 1 FROM billing_settings b"
              + " WHERE b.tenant = k.tenant AND b.client_id = k.owner_client_id AND b.billing_cycle IS NOT NULL)");
        }
        return true;
      }));
      assertEquals(List.of("ensure-stays-lazy"), failed);
      CutoverResult result = example.result("dcg-forward");
      assertEquals(RunState.COMPLETED, result.state());
      assertEquals(List.of("manual-smoke-billing-settings", "reconciliation-deployed", "lifecycle-delete-smoke",
          "lower-env-log-payloads", "drop-compatibility-parsing-go"), gates);
      assertEquals(IntStream.rangeClosed(1, 9).mapToObj(n -> "stage-" + n).toList(),
          result.phases().stream().map(PhaseResult::phase).map(p -> p.substring(0, "stage-n".length())).toList());
      List<StepView> steps = result.phases().stream().flatMap(p -> p.steps().stream()).toList();
      List<StepView> commands = steps.stream().filter(s -> s.kind().equals("command")).toList();
      assertEquals(14, commands.size());
      commands.forEach(s -> assertTrue(s.state() == StepState.COMPLETED && s.outcome().startsWith("command exited 0"),
          s.id() + ": " + s.outcome()));
      StepView growth = steps.stream().filter(s -> s.id().equals("ambiguous-growth")).findFirst().orElseThrow();
      assertTrue(growth.outcome().startsWith("check holds after its fix"), growth.outcome());
      try (Connection c = example.connect()) {
        assertEquals(0, one(c, "SELECT count(*) FROM information_schema.columns"
            + " WHERE table_name = 'time_entries' AND column_name = 'legacy_selection_key'"), "compatibility parsing is gone");
      }
    }
  }

  @Test
  void rollsBackFromJustBeforeThePointOfNoReturnToTheOriginal() throws Exception {
    try (ExampleRun example = ExampleRun.of(EXAMPLE)) {
      example.start("dcg-rollback", false);
      assertEquals("drop-compatibility-parsing-go",
          example.drive("dcg-rollback", gate -> !gate.equals("drop-compatibility-parsing-go")));
      try (Connection c = example.connect()) {
        assertTrue(one(c, "SELECT count(*) FROM reconciliation_writebacks") > 0, "stages 1 to 9 are applied");
      }
      assertEquals(RunState.ROLLED_BACK, example.rollBack("dcg-rollback", "attribution wiring regressed").state());
      var after = example.now();
      assertEquals(example.original().schema(), after.schema());
      assertEquals(example.original().tables(), after.tables());
    }
  }

  /** The manual smoke: five clients' settings saved (each ensures a default), one cleared setting that must not. */
  private static void touchBillingSettings(Connection c) throws SQLException {
    execute(c, """
        UPDATE billing_settings SET anchor_day = anchor_day
        WHERE (tenant, client_id) IN (SELECT tenant, client_id FROM billing_settings ORDER BY tenant, client_id LIMIT 5);
        SELECT ensure_default_contract_for_client(tenant, client_id)
        FROM (SELECT tenant, client_id FROM billing_settings ORDER BY tenant, client_id LIMIT 1) AS again;
        INSERT INTO billing_settings (tenant, client_id, billing_cycle)
        SELECT tenant, client_id, NULL FROM clients k
        WHERE NOT EXISTS (SELECT 1 FROM billing_settings b WHERE b.tenant = k.tenant AND b.client_id = k.client_id)
        ORDER BY tenant, client_id LIMIT 1""");
  }

  /** A client created with billing settings (so a default contract), then deleted: its default's artifacts go with it. */
  private static void deleteAClientAsTheApplication(Connection c) throws SQLException {
    execute(c, """
        INSERT INTO clients (tenant, client_id, client_name)
        SELECT tenant, md5('short-lived-client')::uuid, 'Short-lived Client' FROM tenants ORDER BY name LIMIT 1;
        INSERT INTO billing_settings (tenant, client_id, billing_cycle, anchor_day)
        SELECT tenant, client_id, 'monthly', 1 FROM clients WHERE client_name = 'Short-lived Client'""");
    assertEquals(1, one(c, "SELECT count(*) FROM contracts k JOIN clients USING (tenant)"
        + " WHERE k.owner_client_id = clients.client_id AND clients.client_name = 'Short-lived Client'"));
    execute(c, "DELETE FROM clients WHERE client_name = 'Short-lived Client'");
  }
}
