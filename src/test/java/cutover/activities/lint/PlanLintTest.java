package cutover.activities.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.steps.StepKinds;
import cutover.plan.InvalidPlanException;
import cutover.plan.Plan;
import cutover.plan.PlanParser;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each rule with a plan that breaks it and one that keeps it. */
class PlanLintTest {
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  /** rule, steps that break it, steps that keep it (YAML, indented as items of a phase's steps:). */
  static Stream<Arguments> rules() {
    return Stream.of(
        Arguments.of("constraint-without-not-valid",
            sql("ALTER TABLE orders ADD CONSTRAINT orders_customer_fkey FOREIGN KEY (customer) REFERENCES customers (id)",
                "ALTER TABLE orders DROP CONSTRAINT orders_customer_fkey"),
            sql("ALTER TABLE orders ADD CONSTRAINT orders_customer_fkey FOREIGN KEY (customer) REFERENCES customers (id) NOT VALID",
                "ALTER TABLE orders DROP CONSTRAINT orders_customer_fkey")),
        Arguments.of("constraint-without-not-valid",
            sql("ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0)", "ALTER TABLE orders DROP CONSTRAINT positive"),
            sql("CREATE TABLE fresh (total int)", "DROP TABLE fresh")
                + sql("ALTER TABLE fresh ADD CONSTRAINT positive CHECK (total > 0)", "ALTER TABLE fresh DROP CONSTRAINT positive")),
        Arguments.of("index-blocks-writes",
            sql("CREATE INDEX orders_customer_idx ON orders (customer)", "DROP INDEX orders_customer_idx"),
            sql("CREATE TABLE fresh (id int)", "DROP TABLE fresh")
                + sql("CREATE INDEX fresh_idx ON fresh (id)", "DROP INDEX fresh_idx")),
        Arguments.of("concurrently-in-transaction",
            sql("CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer)", "DROP INDEX orders_customer_idx"),
            sql("CREATE INDEX orders_customer_idx ON orders (customer)", "DROP INDEX orders_customer_idx")),
        Arguments.of("set-not-null-without-check",
            sql("ALTER TABLE orders ALTER COLUMN customer SET NOT NULL", "ALTER TABLE orders ALTER COLUMN customer DROP NOT NULL"),
            sql("ALTER TABLE orders ADD CONSTRAINT customer_nn CHECK (customer IS NOT NULL) NOT VALID",
                "ALTER TABLE orders DROP CONSTRAINT customer_nn")
                + """
                      - id: validate-nn
                        kind: validate
                        constraints: [orders.customer_nn]
                """
                + sql("ALTER TABLE orders ALTER COLUMN customer SET NOT NULL", "ALTER TABLE orders ALTER COLUMN customer DROP NOT NULL")),
        Arguments.of("volatile-default-rewrites",
            sql("ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid()", "ALTER TABLE orders DROP COLUMN token"),
            sql("ALTER TABLE orders ADD COLUMN created timestamptz DEFAULT now()", "ALTER TABLE orders DROP COLUMN created")),
        Arguments.of("type-change-rewrites",
            sql("ALTER TABLE orders ALTER COLUMN total TYPE bigint", "ALTER TABLE orders ALTER COLUMN total TYPE int"),
            sql("ALTER TABLE orders ADD COLUMN total_big bigint", "ALTER TABLE orders DROP COLUMN total_big")),
        Arguments.of("drop-still-referenced",
            irreversible("DROP TABLE legacy_orders") + sql("INSERT INTO audit SELECT * FROM legacy_orders", "DELETE FROM audit"),
            sql("INSERT INTO audit SELECT * FROM legacy_orders", "DELETE FROM audit") + irreversible("DROP TABLE legacy_orders")),
        Arguments.of("drop-still-referenced",
            sql("CREATE VIEW compare AS SELECT count(*) FROM legacy_orders", "DROP VIEW compare")
                + irreversible("DROP TABLE legacy_orders"),
            sql("CREATE VIEW compare AS SELECT count(*) FROM legacy_orders", "DROP VIEW compare")
                + irreversible("DROP VIEW compare; DROP TABLE legacy_orders")),
        Arguments.of("drop-still-referenced",
            view("SELECT id, total FROM orders") + irreversible("ALTER TABLE orders DROP COLUMN total"),
            view("SELECT id, total FROM orders") + irreversible("DROP VIEW order_totals")
                + irreversible("ALTER TABLE orders DROP COLUMN total")),
        Arguments.of("rename-in-one-step",
            sql("ALTER TABLE orders RENAME COLUMN total TO amount", "ALTER TABLE orders RENAME COLUMN amount TO total"),
            sql("ALTER TABLE orders ADD COLUMN amount int", "ALTER TABLE orders DROP COLUMN amount")),
        Arguments.of("long-lock-timeout",
            sql("ALTER TABLE orders ADD COLUMN note text", "ALTER TABLE orders DROP COLUMN note", "lockTimeout: 1m"),
            sql("ALTER TABLE orders ADD COLUMN note text", "ALTER TABLE orders DROP COLUMN note", "lockTimeout: 2s")),
        Arguments.of("point-of-no-return-without-approval",
            irreversible("DROP TABLE legacy_orders", "pointOfNoReturn: true"),
            approval() + irreversible("DROP TABLE legacy_orders", "pointOfNoReturn: true")),
        Arguments.of("fallible-after-point-of-no-return",
            approval() + irreversible("DROP TABLE legacy_orders", "pointOfNoReturn: true") + check(),
            approval() + check() + irreversible("DROP TABLE legacy_orders", "pointOfNoReturn: true")),
        Arguments.of("fallible-after-point-of-no-return",
            approval() + irreversible("DROP TABLE legacy_orders", "pointOfNoReturn: true") + check(),
            approval() + irreversible("DROP TABLE legacy_orders", "pointOfNoReturn: true") + check()
                + "        reportOnly: true\n"),
        Arguments.of("fallible-after-point-of-no-return",
            approval() + irreversible("DROP TABLE legacy_orders", "pointOfNoReturn: true") + irreversible("DROP VIEW v"),
            approval() + irreversible("DROP TABLE legacy_orders", "pointOfNoReturn: true")
                + irreversible("DROP VIEW IF EXISTS v")),
        Arguments.of("compensate-does-not-undo",
            sql("DROP TABLE legacy_orders", "SELECT 1"),
            irreversible("DROP TABLE legacy_orders")),
        Arguments.of("compensate-does-not-undo",
            sql("CREATE TABLE fresh (id int); CREATE VIEW fresh_view AS SELECT id FROM fresh", "DROP TABLE fresh"),
            sql("CREATE TABLE fresh (id int); CREATE VIEW fresh_view AS SELECT id FROM fresh",
                "DROP VIEW fresh_view; DROP TABLE fresh")),
        Arguments.of("compensate-does-not-undo",
            sql("ALTER TABLE orders ADD COLUMN note text", "ALTER TABLE orders DROP COLUMN other"),
            sql("ALTER TABLE orders ADD COLUMN note text", "ALTER TABLE orders DROP COLUMN IF EXISTS note")),
        Arguments.of("until-in-the-past",
            wait("until: \"2026-11-30T09:00:00Z\""),
            wait("until: \"2026-12-02T09:00:00Z\"") + wait("until: T+90d")),
        Arguments.of("freeze-without-unfreeze",
            "      - id: STEP\n        kind: freeze\n        tables: [orders]\n",
            "      - id: STEP\n        kind: freeze\n        tables: [orders]\n"
                + "      - id: STEP\n        kind: unfreeze\n        of: s1\n"),
        Arguments.of("unparsed-sql",
            irreversible("DO $$ BEGIN PERFORM 1; END $$"),
            irreversible("DELETE FROM legacy_orders WHERE closed")),
        Arguments.of("unknown-lint-rule",
            sql("ALTER TABLE orders ADD COLUMN note text", "ALTER TABLE orders DROP COLUMN note",
                "lint: {allow: [no-such-rule], because: testing}"),
            sql("ALTER TABLE orders ADD COLUMN note text", "ALTER TABLE orders DROP COLUMN note",
                "lint: {allow: [rename-in-one-step], because: testing}")));
  }

  @ParameterizedTest(name = "{0} #{index}")
  @MethodSource("rules")
  void eachRuleFindsWhatItShouldAndNothingElse(String rule, String failing, String passing) throws Exception {
    List<LintFinding> found = lint(failing).findings();
    assertTrue(found.stream().anyMatch(f -> f.rule().equals(rule)), rule + " not found in " + found);
    LintFinding finding = found.stream().filter(f -> f.rule().equals(rule)).findFirst().orElseThrow();
    assertEquals(LintRule.byId(rule).severity(), finding.severity());
    assertTrue(finding.line() > 4, finding.format());
    assertFalse(finding.rewrite().isBlank());
    List<LintFinding> clean = lint(passing).findings();
    assertTrue(clean.stream().noneMatch(f -> f.rule().equals(rule)), rule + " found in the passing plan: " + clean);
  }

  /**
   * A view the plan created, then a column dropped: case, steps, where the drop-still-referenced
   * finding is (line 0: none) and words of its message. A second step's inline sql: is on line 13,
   * its text from column 14.
   */
  static Stream<Arguments> droppedColumns() {
    String refuses = "orders.total is dropped here, and the plan's view order_totals still reads it: PostgreSQL refuses";
    String drop = "ALTER TABLE orders DROP COLUMN total";
    return Stream.of(
        Arguments.of("qualified", view("SELECT o.id, o.total FROM orders AS o") + irreversible(drop), 13, 14, refuses),
        Arguments.of("unqualified", view("SELECT id FROM orders WHERE total > 0") + irreversible(drop), 13, 14, refuses),
        Arguments.of("schema-qualified", view("SELECT sum(public.orders.total) FROM public.orders")
            + irreversible("ALTER TABLE public.orders DROP COLUMN IF EXISTS total"), 13, 14, refuses),
        Arguments.of("star", view("SELECT * FROM orders") + irreversible(drop), 13, 14, refuses),
        Arguments.of("table star", view("SELECT o.* FROM orders o JOIN customers c ON c.id = o.customer")
            + irreversible(drop), 13, 14, refuses),
        Arguments.of("cascade", view("SELECT id, total FROM orders") + irreversible(drop + " CASCADE"), 13, 14,
            "with CASCADE, and the plan's view order_totals reads it: PostgreSQL drops the view order_totals too"),
        Arguments.of("in the same step", """
                  - id: STEP
                    kind: sql
                    irreversible: true
                    sql: |
                      CREATE VIEW order_totals AS SELECT id, total FROM orders;
                      ALTER TABLE orders
                        DROP COLUMN total;
            """, 11, 11, refuses),
        Arguments.of("view dropped first", view("SELECT id, total FROM orders")
            + irreversible("DROP VIEW order_totals; " + drop), 0, 0, null),
        Arguments.of("other columns", view("SELECT o.id, o.customer FROM orders o") + irreversible(drop), 0, 0, null),
        Arguments.of("same name, other table", view("SELECT c.total FROM customers c JOIN orders o ON o.customer = c.id")
            + irreversible(drop), 0, 0, null),
        Arguments.of("star of the other table", view("SELECT c.* FROM customers c JOIN orders o ON o.customer = c.id")
            + irreversible(drop), 0, 0, null),
        Arguments.of("view of another table", view("SELECT total FROM invoices") + irreversible(drop), 0, 0, null),
        Arguments.of("column of a subquery", view("SELECT s.total FROM (SELECT i.id, i.total FROM invoices i) s JOIN orders o"
            + " ON o.id = s.id") + irreversible(drop), 0, 0, null),
        Arguments.of("quoted", view("SELECT \"Total\" FROM orders") + irreversible(drop), 0, 0, null),
        Arguments.of("added after the star", view("SELECT * FROM orders")
            + sql("ALTER TABLE orders ADD COLUMN note text", "ALTER TABLE orders DROP COLUMN note")
            + irreversible("ALTER TABLE orders DROP COLUMN note"), 0, 0, null),
        Arguments.of("gone with an earlier cascade", view("SELECT id, total, customer FROM orders")
            + irreversible(drop + " CASCADE; ALTER TABLE orders DROP COLUMN customer"), 13, 14, "CASCADE"),
        Arguments.of("unread view", sql("CREATE VIEW order_totals WITH (security_barrier) AS SELECT * FROM orders",
            "DROP VIEW order_totals") + irreversible(drop), 0, 0, null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("droppedColumns")
  void droppingAColumnAViewOfThePlanReads(String name, String steps, int line, int column, String says)
      throws Exception {
    List<LintFinding> found = lint(steps).findings().stream().filter(f -> f.rule().equals("drop-still-referenced"))
        .toList();
    if (line == 0) {
      assertTrue(found.isEmpty(), found.toString());
      return;
    }
    assertEquals(1, found.size(), found.toString());
    LintFinding finding = found.get(0);
    assertEquals(line, finding.line(), finding.format());
    assertEquals(column, finding.column(), finding.format());
    assertTrue(finding.message().contains(says), finding.format());
    assertTrue(finding.rewrite().startsWith("in an earlier step, drop the view order_totals (DROP VIEW IF EXISTS"
        + " order_totals) or recreate it without total"), finding.format());
  }

  @Test
  void aFindingPointsAtItsStatementInTheSqlBlock() throws Exception {
    LintReport report = lint("""
              - id: two
                kind: sql
                sql: |
                  ALTER TABLE orders ADD COLUMN note text;
                  CREATE INDEX orders_note_idx
                    ON orders (note);
                compensate: DROP INDEX orders_note_idx; ALTER TABLE orders DROP COLUMN note
        """);
    LintFinding finding = report.findings().stream().filter(f -> f.rule().equals("index-blocks-writes")).findFirst()
        .orElseThrow();
    assertEquals(10, finding.line(), finding.format());
    assertEquals(11, finding.column(), finding.format());
    assertTrue(finding.format().startsWith("plan.yaml:10:11: warning [index-blocks-writes] "), finding.format());
  }

  @Test
  void anAcknowledgedErrorNoLongerBlocks() throws Exception {
    LintReport refused = lint(sql("ALTER TABLE orders RENAME COLUMN total TO amount",
        "ALTER TABLE orders RENAME COLUMN amount TO total"));
    assertEquals(1, refused.blocking().size());
    LintReport allowed = lint(sql("ALTER TABLE orders RENAME COLUMN total TO amount",
        "ALTER TABLE orders RENAME COLUMN amount TO total",
        "lint: {allow: [rename-in-one-step], because: no application reads orders.total any more}"));
    assertTrue(allowed.blocking().isEmpty());
    LintFinding finding = allowed.findings().get(0);
    assertTrue(finding.acknowledged());
    assertEquals("no application reads orders.total any more", finding.because());
  }

  @Test
  void anAcknowledgementWithoutReasonIsAParseError() {
    InvalidPlanException invalid = org.junit.jupiter.api.Assertions.assertThrows(InvalidPlanException.class, () -> parse(
        sql("ALTER TABLE orders RENAME COLUMN total TO amount", "ALTER TABLE orders RENAME COLUMN amount TO total",
            "lint: {allow: [rename-in-one-step]}")));
    assertTrue(invalid.getMessage().contains("without saying why (because:)"), invalid.getMessage());
  }

  @Test
  void theExamplePlansLintClean() throws Exception {
    for (java.nio.file.Path plan : List.of(java.nio.file.Path.of("examples/contract-templates/plan.yaml"),
        java.nio.file.Path.of("examples/contract-templates/workload.plan.yaml"))) {
      String yaml = java.nio.file.Files.readString(plan);
      LintReport report = PlanLint.lint(PlanParser.parse(yaml, plan.toString(), null, StepKinds.ALL), yaml,
          plan.toString(), NOW);
      assertEquals(0, report.errors() + report.warnings(), report.findings().toString());
    }
  }

  // ---------------------------------------------------------------- plans

  static LintReport lint(String steps) throws InvalidPlanException {
    String yaml = yaml(steps);
    return PlanLint.lint(PlanParser.parse(yaml, "plan.yaml", null, StepKinds.ALL), yaml, "plan.yaml", NOW);
  }

  static Plan parse(String steps) throws InvalidPlanException {
    return PlanParser.parse(yaml(steps), "plan.yaml", null, StepKinds.ALL);
  }

  static String yaml(String steps) {
    return "name: lint\ntarget: demo\nphases:\n  - name: one\n    steps:\n" + numbered(steps);
  }

  /** Step ids made unique: s1, s2, … in order. */
  private static String numbered(String steps) {
    StringBuilder out = new StringBuilder();
    int n = 0;
    for (String line : steps.split("\n", -1)) {
      out.append(line.replace("- id: STEP", "- id: s" + (++n))).append('\n');
    }
    return out.toString();
  }

  static String sql(String sql, String compensate, String... extra) {
    return "      - id: STEP\n        kind: sql\n        sql: \"" + sql.replace("\"", "\\\"") + "\"\n"
        + "        compensate: \"" + compensate + "\"\n" + extras(extra);
  }

  /** A step that creates the view order_totals. */
  static String view(String select) {
    return sql("CREATE VIEW order_totals AS " + select, "DROP VIEW order_totals");
  }

  static String irreversible(String sql, String... extra) {
    return "      - id: STEP\n        kind: sql\n        irreversible: true\n        sql: '" + sql + "'\n" + extras(extra);
  }

  static String approval() {
    return "      - id: STEP\n        kind: approval\n";
  }

  static String check() {
    return "      - id: STEP\n        kind: check\n        query: SELECT 1 WHERE false\n";
  }

  static String wait(String until) {
    return "      - id: STEP\n        kind: wait\n        " + until + "\n";
  }

  private static String extras(String... extra) {
    StringBuilder out = new StringBuilder();
    for (String line : extra) {
      out.append("        ").append(line).append('\n');
    }
    return out.toString();
  }
}
