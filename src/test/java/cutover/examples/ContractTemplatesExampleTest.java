package cutover.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.steps.StepContext;
import cutover.activities.steps.ExecutedKind;
import cutover.activities.steps.StepKind;
import cutover.activities.steps.StepKinds;
import cutover.activities.steps.StepOutcome;
import cutover.plan.PlanStep;
import cutover.plan.Undo;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The contract-templates example, checked without the workflows: the legacy schema and data load,
 * the plan's SQL runs forward to the new schema, its compensations bring the legacy schema back,
 * and its parity check names the tenant whose copy is broken.
 *
 * <p>The plan is read as plain maps and each {@code sql} step runs in its own transaction with
 * the plan's lock and statement timeouts, as the engine will run it; {@code validate} and
 * {@code parity} steps run through their step kinds in a transaction; {@code backfill} steps run
 * through the engine's step activities (prepare, parts, record), called directly on the same
 * database; approvals and flags (which need the ledger) are skipped.
 */
class ContractTemplatesExampleTest {

  private static final Path EXAMPLE = Path.of("examples/contract-templates");
  private static final String LEGACY_DB = "legacy_template";
  private static final List<String> TENANTS =
      List.of("Northwind Managed IT", "Bluefin Networks", "Cobalt Support Desk");

  private static EmbeddedPostgres postgres;
  private static List<Step> plan;
  private static cutover.plan.Plan parsed;
  private static int databases;
  private static String current;

  /** One plan step, as the test needs it. */
  record Step(String phase, String id, String kind, String sql, String compensate,
      boolean irreversible, boolean pointOfNoReturn, String lockTimeout, String statementTimeout) {}

  @BeforeAll
  static void loadLegacyDatabaseOnce() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    plan = readPlan();
    parsed = cutover.plan.PlanParser.parse(read("plan.yaml"), "plan.yaml", null, StepKinds.ALL);
    // Loaded once, then every test gets its own copy (CREATE DATABASE ... TEMPLATE).
    execute("postgres", "CREATE DATABASE " + LEGACY_DB);
    try (Connection c = connect(LEGACY_DB); Statement s = c.createStatement()) {
      s.execute(read("schema.sql"));
      long started = System.nanoTime();
      s.execute(read("data.sql"));
      System.out.printf("contract-templates: data.sql loaded in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    }
  }

  @AfterAll
  static void stop() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void legacyDataHasThreeTenantsAndOneHundredThousandContracts() throws Exception {
    try (Connection c = freshCopy()) {
      assertEquals(3L, one(c, "SELECT count(*) FROM tenants"));
      assertEquals(Set.copyOf(TENANTS), Set.copyOf(strings(c, "SELECT name FROM tenants")));
      assertEquals(100_000L, one(c, "SELECT count(*) FROM contracts"));

      long templates = one(c, "SELECT count(*) FROM contracts WHERE is_template");
      assertTrue(templates > 2_500 && templates < 3_500, "about 3% templates, got " + templates);
      Map<String, Long> perTenant = counts(c, """
          SELECT t.name, count(*) FROM contracts c JOIN tenants t USING (tenant) GROUP BY t.name""");
      assertTrue(perTenant.get("Northwind Managed IT") > perTenant.get("Bluefin Networks"), "uneven spread " + perTenant);
      assertTrue(perTenant.get("Bluefin Networks") > perTenant.get("Cobalt Support Desk"), "uneven spread " + perTenant);
      for (String tenant : TENANTS) {
        assertTrue(one(c, "SELECT count(*) FROM contracts c JOIN tenants t USING (tenant) WHERE c.is_template AND t.name = '"
            + tenant + "'") > 0, tenant + " has templates");
      }

      assertEquals(0L, one(c, """
          SELECT count(*) FROM contracts
          WHERE is_template <> (template_metadata IS NOT NULL)"""), "metadata exactly on templates");
      assertEquals(0L, one(c, """
          SELECT count(*) FROM contracts
          WHERE is_template AND NOT (template_metadata ? 'guidance'
                                     AND jsonb_typeof(template_metadata -> 'tags') = 'array')"""));
      assertEquals(0L, one(c, """
          SELECT count(*) FROM (
            SELECT c.contract_id, count(l.contract_line_id) AS lines
            FROM contracts c LEFT JOIN contract_lines l USING (tenant, contract_id)
            GROUP BY c.contract_id) x
          WHERE lines NOT BETWEEN 1 AND 4"""), "1 to 4 lines per contract");
      assertTrue(one(c, """
          SELECT count(*) FROM contract_lines l JOIN contracts c USING (tenant, contract_id)
          WHERE c.is_template""") > templates, "template contracts have lines too");
    }
  }

  @Test
  void dataIsDeterministic() throws Exception {
    String first;
    try (Connection c = freshCopy()) {
      first = fingerprint(c);
    }
    String name = "rerun_" + (++databases);
    execute("postgres", "CREATE DATABASE " + name);
    try (Connection c = connect(name); Statement s = c.createStatement()) {
      s.execute(read("schema.sql"));
      s.execute(read("data.sql"));
      assertEquals(first, fingerprint(c), "a rerun of data.sql on a fresh database gives identical rows");
    }
  }

  @Test
  void planRunsForwardToTheNewSchema() throws Exception {
    try (Connection c = freshCopy()) {
      Map<String, Long> templatesPerTenant = counts(c, """
          SELECT tenant::text, count(*) FROM contracts WHERE is_template GROUP BY tenant""");
      long templateLines = one(c, """
          SELECT count(*) FROM contract_lines l JOIN contracts c USING (tenant, contract_id) WHERE c.is_template""");
      long contracts = one(c, "SELECT count(*) FROM contracts");
      long lines = one(c, "SELECT count(*) FROM contract_lines");
      long templates = templatesPerTenant.values().stream().mapToLong(Long::longValue).sum();

      for (Step step : plan) {
        run(c, step);
        if (step.id().equals("create-template-tables")) {
          assertEquals(2L, one(c, """
              SELECT count(*) FROM pg_constraint
              WHERE contype = 'f' AND NOT convalidated
                AND conrelid IN ('contract_templates'::regclass, 'contract_template_lines'::regclass)"""),
              "foreign keys are added NOT VALID");
        }
      }

      assertFalse(hasColumn(c, "contracts", "is_template"), "contracts.is_template is dropped");
      assertFalse(hasColumn(c, "contracts", "template_metadata"), "contracts.template_metadata is dropped");
      assertEquals(contracts - templates, one(c, "SELECT count(*) FROM contracts"), "template rows are gone");
      assertEquals(lines - templateLines, one(c, "SELECT count(*) FROM contract_lines"), "template lines are gone");
      assertEquals(0L, one(c, """
          SELECT count(*) FROM contracts c JOIN contract_templates t
            ON t.tenant = c.tenant AND t.template_id = c.contract_id"""), "no template left in contracts");
      assertEquals(templatesPerTenant, counts(c, """
          SELECT tenant::text, count(*) FROM contract_templates GROUP BY tenant"""),
          "contract_templates holds every tenant's templates");
      assertEquals(templateLines, one(c, "SELECT count(*) FROM contract_template_lines"));
      assertEquals(0L, one(c, """
          SELECT count(*) FROM contract_templates
          WHERE NOT (template_metadata ? 'guidance')"""), "template metadata came along");
      assertEquals(0L, one(c, "SELECT count(*) FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND NOT convalidated"),
          "every constraint is validated");
      assertEquals(2L, one(c, """
          SELECT count(*) FROM pg_constraint
          WHERE contype = 'f' AND convalidated
            AND conrelid IN ('contract_templates'::regclass, 'contract_template_lines'::regclass)"""));
      assertNull(single(c, "SELECT to_regclass('contract_template_compare_view')::text"),
          "the compare view went with the legacy columns");
    }
  }

  @Test
  void compensationsOfIntroduceAndCopyRestoreTheLegacySchema() throws Exception {
    try (Connection c = freshCopy()) {
      String before = fingerprint(c);
      List<Step> completed = new ArrayList<>();
      for (Step step : plan) {
        if (step.phase().equals("cutover")) {
          break;
        }
        if (run(c, step)) {
          completed.add(step);
        }
      }
      assertNotNull(single(c, "SELECT to_regclass('contract_templates')::text"));
      assertTrue(one(c, "SELECT count(*) FROM contract_template_lines") > 0);

      for (int i = completed.size() - 1; i >= 0; i--) {
        Step step = completed.get(i);
        if (kindOf(step).execution() == StepKind.Execution.BATCHED) {
          backfill(step, false);
        } else if (step.compensate() != null) {
          apply(c, step, step.compensate());
        } else {
          assertTrue(step.irreversible(), step.id() + " has no compensation, so it must be declared irreversible");
        }
      }

      for (String relation : List.of("contract_templates", "contract_template_lines", "contract_template_compare_view")) {
        assertNull(single(c, "SELECT to_regclass('" + relation + "')::text"), relation + " is gone");
      }
      assertEquals(Set.of("contract_lines", "contracts", "tenants"),
          Set.copyOf(strings(c, "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'v', 'm')")));
      assertTrue(hasColumn(c, "contracts", "is_template"));
      assertTrue(hasColumn(c, "contracts", "template_metadata"));
      assertEquals(before, fingerprint(c), "legacy data intact");
    }
  }

  @Test
  void comparisonNamesTheTenantWhoseCopyIsBroken() throws Exception {
    try (Connection c = freshCopy()) {
      for (Step step : plan) {
        if (step.id().equals("parity-templates")) {
          break;
        }
        run(c, step);
      }
      String broken = "Bluefin Networks";
      // Lose one copied template (and, as the foreign key requires, its lines) of one tenant.
      String victim = single(c, """
          SELECT ct.template_id::text FROM contract_templates ct JOIN tenants t USING (tenant)
          WHERE t.name = '%s' ORDER BY ct.template_id LIMIT 1""".formatted(broken));
      try (Statement s = c.createStatement()) {
        s.execute("DELETE FROM contract_template_lines WHERE template_id = '" + victim + "'");
        s.execute("DELETE FROM contract_templates WHERE template_id = '" + victim + "'");
      }
      assertEquals(1L, one(c, "SELECT count(*) FROM contract_template_compare_view WHERE legacy_templates <> new_templates"));

      Step compare = plan.stream().filter(s -> s.id().equals("parity-templates")).findFirst().orElseThrow();
      StepOutcome outcome = runKind(c, compare);
      String summary = outcome.summary();
      assertTrue(outcome.failed(), summary);
      assertTrue(summary.contains("1 missing in new (in legacy only): (tenant="), summary);
      assertTrue(summary.contains("template_id=" + victim + ")"), summary);
      assertTrue(summary.contains("1 of 3 groups by [tenant_name] differ: tenant_name=" + broken + ": count(*) "),
          summary);
      for (String tenant : TENANTS) {
        if (!tenant.equals(broken)) {
          assertFalse(summary.contains(tenant), "only the broken tenant is named: " + summary);
        }
      }
    }
  }

  @Test
  void planFollowsTheBriefsRules() {
    Set<String> ids = new HashSet<>();
    List<String> phases = new ArrayList<>();
    for (Step step : plan) {
      assertTrue(ids.add(step.id()), "step ids are unique: " + step.id());
      if (!phases.contains(step.phase())) {
        phases.add(step.phase());
      }
      if (kindOf(step).undo() == Undo.DECLARED) {
        assertTrue(step.compensate() != null || step.irreversible(), step.id() + " needs compensate or irreversible");
      }
      assertTrue(parsed.step(step.id()).isPresent(), step.id() + " passes the engine's validation");
    }
    assertEquals(List.of("introduce", "copy", "cutover"), phases);
    List<String> pointsOfNoReturn = plan.stream().filter(Step::pointOfNoReturn).map(Step::id).toList();
    assertEquals(List.of("drop-legacy-template-rows"), pointsOfNoReturn);
    int ponr = plan.indexOf(plan.stream().filter(Step::pointOfNoReturn).findFirst().orElseThrow());
    assertEquals(List.of("maintenance-off"), plan.subList(ponr + 1, plan.size()).stream().map(Step::id).toList(),
        "after the point of no return only maintenance mode is switched off");
    assertEquals("maintenance-on", plan.get(ponr - 1).id(), "maintenance mode is on around the point of no return");
    assertEquals("500ms", plan.get(ponr).lockTimeout());
  }

  // --- plan ---------------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private static List<Step> readPlan() throws IOException {
    Map<String, Object> root = new Yaml().load(read("plan.yaml"));
    assertEquals("contract-templates", root.get("name"));
    List<Step> steps = new ArrayList<>();
    for (Map<String, Object> phase : (List<Map<String, Object>>) root.get("phases")) {
      for (Map<String, Object> step : (List<Map<String, Object>>) phase.get("steps")) {
        String description = (String) step.get("description");
        assertTrue(description != null && !description.isBlank() && !description.contains("\n"),
            step.get("id") + " has a one-line description");
        steps.add(new Step(
            (String) phase.get("name"),
            (String) step.get("id"),
            (String) step.get("kind"),
            (String) step.get("sql"),
            (String) step.get("compensate"),
            Boolean.TRUE.equals(step.get("irreversible")),
            Boolean.TRUE.equals(step.get("pointOfNoReturn")),
            (String) step.get("lockTimeout"),
            (String) step.get("statementTimeout")));
      }
    }
    return steps;
  }

  private static StepKind<?> kindOf(Step step) {
    return StepKinds.ALL.of(parsed.step(step.id()).orElseThrow());
  }

  /** Runs a step; returns false for steps that change nothing here (checks, approvals, flags). */
  private static boolean run(Connection c, Step step) throws SQLException {
    StepKind<?> kind = kindOf(step);
    if (kind.execution() == StepKind.Execution.BATCHED) {
      backfill(step, true);
    } else if (kind.undo() == Undo.DECLARED) {
      apply(c, step, step.sql());
    } else if (kind instanceof ExecutedKind<?> && kind.undo(parsed.step(step.id()).orElseThrow().spec()) == Undo.NOTHING) {
      StepOutcome outcome = runKind(c, step);
      assertFalse(outcome.failed(), step.id() + ": " + outcome.summary());
      return false; // checks change nothing: nothing to compensate
    } else {
      return false; // approvals, and flags (the application's concern here)
    }
    return true;
  }

  /** Applies or compensates a backfill step through the engine's activities, on the current copy. */
  private static void backfill(Step step, boolean apply) {
    cutover.activities.Targets.Target target = new cutover.activities.Targets.Target("example",
        postgres.getJdbcUrl("postgres", current), "postgres", null);
    try (cutover.activities.Targets targets = cutover.activities.Targets.of(List.of(target))) {
      new cutover.activities.LedgerActivitiesImpl(targets).beginRun(new cutover.activities.BeginRun("example", current,
          "contract-templates", "0", current, "tester", false));
      cutover.activities.StepActivitiesImpl steps = new cutover.activities.StepActivitiesImpl(targets);
      cutover.activities.StepCall call = new cutover.activities.StepCall("example", current, step.phase(),
          parsed.step(step.id()).orElseThrow());
      cutover.activities.StepAction action = apply ? cutover.activities.StepAction.APPLY : cutover.activities.StepAction.COMPENSATE;
      int parts = steps.prepareParts(new cutover.activities.PartsCall(call, action)).parts();
      for (int part = 0; part < parts; part++) {
        steps.runPart(new cutover.activities.PartCall(call, action, part, parts));
      }
      if (apply) {
        steps.apply(call);
      } else {
        steps.compensate(call);
      }
    }
  }

  /** Runs a validate or parity step through its kind, in one transaction, as the engine does. */
  private static StepOutcome runKind(Connection c, Step step) throws SQLException {
    PlanStep planStep = parsed.step(step.id()).orElseThrow();
    c.setAutoCommit(false);
    try {
      StepOutcome outcome = ((ExecutedKind<?>) StepKinds.ALL.of(planStep))
          .apply(new StepContext("example", "demo", planStep, DSL.using(c, SQLDialect.POSTGRES)));
      c.commit();
      return outcome;
    } catch (RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** Runs SQL as the engine does: one transaction, with the step's timeouts. */
  private static void apply(Connection c, Step step, String sql) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SET LOCAL lock_timeout = '" + postgresDuration(step.lockTimeout(), "500ms") + "'");
      s.execute("SET LOCAL statement_timeout = '" + postgresDuration(step.statementTimeout(), "15min") + "'");
      s.execute(sql);
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  /** The plan's {@code 500ms, 30s, 10m, 2h, 7d} in PostgreSQL's units. */
  private static String postgresDuration(String value, String fallback) {
    if (value == null) {
      return fallback;
    }
    Matcher m = DURATION.matcher(value);
    assertTrue(m.matches(), "duration " + value);
    return m.group(1) + switch (m.group(2)) {
      case "m" -> "min";
      default -> m.group(2);
    };
  }

  // --- database helpers ---------------------------------------------------------------------

  private static Connection freshCopy() throws SQLException {
    String name = "run_" + (++databases);
    execute("postgres", "CREATE DATABASE " + name + " TEMPLATE " + LEGACY_DB);
    current = name;
    return connect(name);
  }

  private static Connection connect(String database) throws SQLException {
    return postgres.getDatabase("postgres", database).getConnection();
  }

  private static void execute(String database, String sql) throws SQLException {
    try (Connection c = connect(database); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String read(String file) throws IOException {
    return Files.readString(EXAMPLE.resolve(file));
  }

  private static long one(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      assertTrue(r.next());
      return r.getLong(1);
    }
  }

  private static String single(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      assertTrue(r.next());
      return r.getString(1);
    }
  }

  private static List<String> strings(Connection c, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        values.add(r.getString(1));
      }
    }
    return values;
  }

  private static Map<String, Long> counts(Connection c, String sql) throws SQLException {
    Map<String, Long> values = new LinkedHashMap<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        values.put(r.getString(1), r.getLong(2));
      }
    }
    return values;
  }

  private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
    return one(c, "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '"
        + table + "' AND column_name = '" + column + "'") == 1;
  }

  /** Every legacy row, hashed in key order. */
  private static String fingerprint(Connection c) throws SQLException {
    return single(c, """
        SELECT md5(
          (SELECT string_agg(t::text, '|' ORDER BY t.tenant) FROM tenants t) ||
          (SELECT string_agg(x::text, '|' ORDER BY x.tenant, x.contract_id) FROM contracts x) ||
          (SELECT string_agg(l::text, '|' ORDER BY l.tenant, l.contract_line_id) FROM contract_lines l))""");
  }
}
