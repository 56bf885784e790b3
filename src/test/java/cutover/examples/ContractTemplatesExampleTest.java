package cutover.examples;

import static cutover.examples.InvoiceReaderFirstExampleTest.execute;
import static cutover.examples.InvoiceReaderFirstExampleTest.flag;
import static cutover.examples.InvoiceReaderFirstExampleTest.one;
import static cutover.examples.InvoiceReaderFirstExampleTest.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.steps.StepState;
import cutover.workflows.CutoverResult;
import cutover.workflows.PhaseResult;
import cutover.workflows.RunState;
import cutover.workflows.StepView;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * examples/contract-templates end to end, on 1,000 generated contracts plus the fixed rows of the
 * fragile cases: all six phases with the test approving the two gates and the 48-hour soak
 * time-skipped, the database looked at after each phase, each fragile case named by the plan (its
 * tenant and row), a rate written too large for numeric(10,2) after the checks stopping the final
 * copy at its row until the operator fixes it; then, on a fresh database, a run stopped at the last gate before the point of no
 * return rolls back to the very schema and data it started from.
 */
class ContractTemplatesExampleTest {
  static final String EXAMPLE = "contract-templates";
  static final Map<String, String> SMALL = Map.of("cutover.example_contracts", "1000");
  static final String SHARED_TEMPLATE = "md5('cutover-demo:shared-template')::uuid";
  static final String NORTHWIND = "(SELECT tenant FROM tenants WHERE name = 'Northwind Managed IT')";
  static final String BLUEFIN = "(SELECT tenant FROM tenants WHERE name = 'Bluefin Networks')";
  static final String COBALT = "(SELECT tenant FROM tenants WHERE name = 'Cobalt Support Desk')";

  @Test
  void runsAllSixPhasesAndNamesEachFragileCase() throws Exception {
    try (ExampleRun example = ExampleRun.of(EXAMPLE, SMALL).approvingAs("dba-on-call")) {
      long templates;
      long templateLineMappings;
      long lines;
      String sharedLine;
      String orphanLine;
      String longName;
      try (Connection c = example.connect()) {
        templates = one(c, "SELECT count(*) FROM contracts WHERE is_template");
        templateLineMappings = one(c, "SELECT count(*) FROM contract_line_mappings m JOIN contracts c"
            + " USING (tenant, contract_id) WHERE c.is_template");
        lines = one(c, "SELECT count(*) FROM contract_lines");
        sharedLine = strings(c, "SELECT md5('cutover-demo:fixed-line:onboarding')::uuid::text").get(0);
        orphanLine = strings(c, "SELECT md5('cutover-demo:fixed-line:retired')::uuid::text").get(0);
        longName = strings(c, "SELECT contract_name FROM contracts WHERE contract_id = md5('cutover-demo:long-name')::uuid")
            .get(0);
        assertTrue(templates > 10, "templates " + templates);
        assertEquals(0, one(c, "SELECT count(*) FROM contracts WHERE is_template AND tenant = " + COBALT));
        assertEquals(2, one(c, "SELECT count(*) FROM contracts WHERE contract_id = " + SHARED_TEMPLATE + " AND is_template"));
        assertTrue(longName.length() > 100, longName);
      }
      List<String> gates = new ArrayList<>();
      List<String> failures = new ArrayList<>();
      example.start("ct-forward", false);
      assertNull(example.drive("ct-forward", gate -> {
        gates.add(gate);
        try (Connection c = example.connect()) {
          switch (gate) {
            case "go-no-go" -> {
              // introduce: the new tables' foreign keys are NOT VALID until after the deletes
              assertEquals(5, one(c, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"));
              // copy: every template, by (tenant, id), its UUID kept and mapped
              assertEquals(templates, one(c, "SELECT count(*) FROM contract_templates"));
              assertEquals(templates, one(c, "SELECT count(*) FROM contract_template_map WHERE legacy_contract_id = template_id"));
              assertEquals(List.of("Shared Id — Bluefin template", "Shared Id — Northwind template"), strings(c,
                  "SELECT template_name FROM contract_templates WHERE template_id = " + SHARED_TEMPLATE + " ORDER BY 1"));
              assertEquals(0, one(c, "SELECT count(*) FROM contract_templates WHERE tenant = " + COBALT));
              // a line mapped to two templates became two template lines, the first keeping its UUID
              assertEquals(templateLineMappings, one(c, "SELECT count(*) FROM contract_template_lines"));
              assertEquals(List.of("Onboarding Plus template|Shared onboarding line",
                  "Onboarding Starter template|Shared onboarding line"), strings(c, """
                      SELECT t.template_name || '|' || l.template_line_name FROM contract_template_lines l
                      JOIN contract_templates t USING (tenant, template_id)
                      WHERE l.template_line_name = 'Shared onboarding line' ORDER BY 1"""));
              assertEquals(1, one(c, "SELECT count(*) FROM contract_template_line_map WHERE legacy_contract_line_id = '"
                  + sharedLine + "' AND template_line_id = legacy_contract_line_id"));
              assertEquals(2, one(c, "SELECT count(*) FROM contract_template_line_service_configuration g"
                  + " JOIN contract_template_line_map m USING (tenant, template_line_id)"
                  + " WHERE m.legacy_contract_line_id = '" + sharedLine + "'"));
              // a line mapped to none is not copied
              assertEquals(0, one(c, "SELECT count(*) FROM contract_template_line_map WHERE legacy_contract_line_id = '"
                  + orphanLine + "'"));
              // the NULL billing frequency arrived as monthly; the long name as its first 100 characters
              assertEquals(List.of("monthly"), strings(c, "SELECT billing_frequency FROM contract_template_lines"
                  + " WHERE template_line_name = 'Legacy backup line'"));
              assertEquals(List.of(longName.substring(0, 100)), strings(c, "SELECT template_name FROM contract_templates"
                  + " WHERE template_id = md5('cutover-demo:long-name')::uuid"));
              // cents became numeric(10,2) dollars
              assertEquals(List.of("1500.00", "1500.00"), strings(c, "SELECT s.custom_rate::text"
                  + " FROM contract_template_line_services s JOIN contract_template_line_map m USING (tenant, template_line_id)"
                  + " WHERE m.legacy_contract_line_id = '" + sharedLine + "'"));
              assertEquals(List.of("9999999.99"), strings(c, "SELECT s.custom_rate::text FROM contract_template_line_services s"
                  + " WHERE s.template_line_id = md5('cutover-demo:fixed-line:long-name')::uuid"));
              assertEquals(0, one(c, "SELECT count(*) FROM contract_template_compare_view WHERE legacy_templates <> new_templates"));
              // the application still writes legacy rows until the window: a template renamed now, and
              // a rate of $123,456,789.01 that numeric(10,2) cannot hold, after the preparation checks
              execute(c, "UPDATE contracts SET contract_name = 'Onboarding Plus template (2027)'"
                  + " WHERE contract_id = md5('cutover-demo:onboarding-plus')::uuid");
              execute(c, "UPDATE contract_line_services SET custom_rate_cents = 12345678901"
                  + " WHERE contract_line_id = md5('cutover-demo:fixed-line:legacy-backup')::uuid");
            }
            case "point-of-no-return-go" -> {
              assertEquals("true", flag(c, "maintenance"));
              assertEquals(1, one(c, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'cutover_snapshot_%'"));
              assertEquals(List.of("Onboarding Plus template (2027)"), strings(c, "SELECT template_name FROM"
                  + " contract_templates WHERE template_id = md5('cutover-demo:onboarding-plus')::uuid"),
                  "the final copy carried the rename");
              assertEquals(List.of("contract_templates"), strings(c, "SELECT confrelid::regclass::text FROM pg_constraint"
                  + " WHERE conname = 'client_contracts_template_fkey' AND NOT convalidated"), "re-pointed, NOT VALID");
              assertEquals(templates, one(c, "SELECT count(*) FROM contracts WHERE is_template"), "nothing deleted yet");
            }
            default -> throw new AssertionError("unexpected gate " + gate);
          }
        }
        return true;
      }, failed -> {
        // the final copy stops at the rate that does not fit, naming its tenant and row; the operator fixes it
        assertEquals("final-copy-template-line-services", failed.currentStep(), failed.lastError());
        for (String named : List.of("numeric field overflow", uuid(example, BLUEFIN),
            uuid(example, "md5('cutover-demo:fixed-line:legacy-backup')::uuid"))) {
          assertTrue(failed.lastError().contains(named), named + " in: " + failed.lastError());
        }
        failures.add(failed.currentStep());
        try (Connection c = example.connect()) {
          execute(c, "UPDATE contract_line_services SET custom_rate_cents = 1999"
              + " WHERE contract_line_id = md5('cutover-demo:fixed-line:legacy-backup')::uuid");
        }
        return true;
      }));
      assertEquals(List.of("final-copy-template-line-services"), failures);
      assertEquals(List.of("go-no-go", "point-of-no-return-go"), gates);
      CutoverResult result = example.result("ct-forward");
      assertEquals(RunState.COMPLETED, result.state());
      assertEquals(List.of("prepare", "introduce", "copy", "readiness", "cutover", "post-cutover"),
          result.phases().stream().map(PhaseResult::phase).toList());
      Map<String, StepView> steps = result.phases().stream().flatMap(p -> p.steps().stream())
          .collect(Collectors.toMap(StepView::id, s -> s));

      // each fragile case named by tenant and row
      assertNamed(steps, "template-ids-shared-by-tenants", "template_id=" + uuid(example, SHARED_TEMPLATE),
          "Bluefin Networks: Shared Id — Bluefin template", "Northwind Managed IT: Shared Id — Northwind template");
      assertNamed(steps, "lines-mapped-to-several-templates", "tenant_name=Northwind Managed IT",
          "contract_line_id=" + sharedLine, "Shared onboarding line", "Onboarding Starter template");
      assertNamed(steps, "lines-mapped-to-no-contract", "tenant_name=Bluefin Networks", "contract_line_id=" + orphanLine,
          "Retired firewall line");
      assertNamed(steps, "template-lines-without-billing-frequency", "tenant_name=Bluefin Networks",
          "template=Legacy Backup template", "Legacy backup line");
      assertNamed(steps, "template-names-too-long", "tenant_name=Northwind Managed IT",
          "template_id=" + uuid(example, "md5('cutover-demo:long-name')::uuid"), "name_length=" + longName.length());
      assertNamed(steps, "tenants-without-templates", "tenant_name=Cobalt Support Desk");
      assertTrue(steps.get("inventory-is-template-dependents").outcome().contains("contracts_templates_idx"),
          steps.get("inventory-is-template-dependents").outcome());
      for (String parity : List.of("parity-templates", "parity-template-lines", "parity-template-line-services",
          "final-parity-template-line-service-configurations")) {
        StepView step = steps.get(parity);
        assertEquals(StepState.COMPLETED, step.state(), parity + ": " + step.outcome());
        assertTrue(step.outcome().contains("no rows on either side (tenant_name=Cobalt Support Desk)"),
            parity + ": " + step.outcome());
      }
      assertTrue(steps.get("template-rates-fit-numeric").outcome().startsWith("check holds"),
          steps.get("template-rates-fit-numeric").outcome());

      try (Connection c = example.connect()) {
        // the point of no return: template rows and columns gone, the unmapped line kept
        assertEquals(0, one(c, "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'contracts'"
            + " AND column_name IN ('is_template', 'template_metadata')"));
        assertEquals(0, one(c, "SELECT count(*) FROM contracts c JOIN contract_templates t"
            + " ON t.tenant = c.tenant AND t.template_id = c.contract_id"));
        assertEquals(1, one(c, "SELECT count(*) FROM contract_lines WHERE contract_line_id = '" + orphanLine + "'"));
        assertEquals(lines - templateLineMappings + 1 /* the shared line, one row for two mappings */ ,
            one(c, "SELECT count(*) FROM contract_lines"));
        assertEquals(0, one(c, "SELECT count(*) FROM contract_lines l WHERE NOT EXISTS (SELECT 1 FROM"
            + " contract_line_mappings m WHERE m.tenant = l.tenant AND m.contract_line_id = l.contract_line_id)"
            + " AND l.contract_line_id <> '" + orphanLine + "'"));
        // client contracts point at the new table, every constraint validated
        assertEquals(List.of("contract_templates"), strings(c, "SELECT confrelid::regclass::text FROM pg_constraint"
            + " WHERE conname = 'client_contracts_template_fkey'"));
        assertEquals(0, one(c, "SELECT count(*) FROM pg_constraint WHERE NOT convalidated"
            + " AND connamespace = 'public'::regnamespace"));
        assertEquals(2, one(c, "SELECT count(*) FROM client_contracts WHERE template_contract_id = " + SHARED_TEMPLATE));
        // after the soak, the comparison views and mapping tables are gone; maintenance is off
        assertEquals(0, one(c, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
            + " AND relname IN ('contract_template_compare_view', 'contract_template_lines_compare_view',"
            + " 'contract_template_map', 'contract_template_line_map')"));
        assertEquals("false", flag(c, "maintenance"));
        assertEquals(templates, one(c, "SELECT count(*) FROM contract_templates"));
      }
      assertTrue(steps.get("soak-template-references").outcome().contains("held for 2d"),
          steps.get("soak-template-references").outcome());
    }
  }

  @Test
  void rollsBackFromJustBeforeThePointOfNoReturnToTheOriginal() throws Exception {
    try (ExampleRun example = ExampleRun.of(EXAMPLE, SMALL).approvingAs("dba-on-call")) {
      example.start("ct-rollback", false);
      assertEquals("point-of-no-return-go", example.drive("ct-rollback", gate -> !gate.equals("point-of-no-return-go")));
      try (Connection c = example.connect()) {
        assertTrue(one(c, "SELECT count(*) FROM contract_template_line_service_configuration") > 0, "copied");
        assertEquals("true", flag(c, "maintenance"));
      }
      assertEquals(RunState.ROLLED_BACK, example.rollBack("ct-rollback", "final parity looked wrong").state());
      var after = example.now();
      assertEquals(example.original().schema(), after.schema());
      assertEquals(example.original().tables(), after.tables());
      try (Connection c = example.connect()) {
        assertFalse("true".equals(flag(c, "maintenance")), "maintenance mode restored");
        assertEquals(0, one(c, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'cutover_snapshot_%'"));
      }
    }
  }

  /** The step's outcome names every one of {@code names}. */
  private static void assertNamed(Map<String, StepView> steps, String step, String... names) {
    String outcome = steps.get(step).outcome();
    assertEquals(StepState.COMPLETED, steps.get(step).state(), step + ": " + outcome);
    assertTrue(outcome.startsWith("report only, not failing"), step + ": " + outcome);
    for (String name : names) {
      assertTrue(outcome.contains(name), step + " names " + name + ": " + outcome);
    }
  }

  private static String uuid(ExampleRun example, String expression) throws Exception {
    try (Connection c = example.connect()) {
      return strings(c, "SELECT (" + expression + ")::text").get(0);
    }
  }
}
