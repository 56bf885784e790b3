package cutover.plan;

import cutover.activities.steps.StepKinds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.steps.backfill.BackfillSpec;
import cutover.activities.steps.backfill.WalkKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The backfill kind's fields as a plan writes them: accepted, normalised, or reported where they are wrong. */
class BackfillPlanTest {

  static String plan(String fields) {
    return "name: p\ntarget: demo\nphases:\n  - name: copy\n    steps:\n      - id: b\n        kind: backfill\n"
        + fields.lines().map(l -> "        " + l + "\n").reduce("", String::concat);
  }

  @Test
  void readsACopyWithItsDefaults() throws Exception {
    PlanStep step = PlanParser.parse(plan("""
        from: public.orders
        key: [tenant, id]
        where: status <> 'draft'
        into: orders_v2
        columns:
          tenant: tenant
          id: id
          total: amount * 100
          note: null
        partitions: 3
        rate: 20000"""), "p.yaml", null, StepKinds.ALL).step("b").orElseThrow();

    BackfillSpec spec = (BackfillSpec) step.spec();
    assertEquals(List.of("public", "orders"), spec.fromTable());
    assertEquals(List.of("tenant", "id"), spec.key());
    assertEquals(List.of("orders_v2"), spec.intoTable());
    assertEquals(Map.of("tenant", "tenant", "id", "id", "total", "amount * 100", "note", "NULL"), spec.columns());
    assertEquals(List.of("tenant", "id", "total", "note"), List.copyOf(spec.columns().keySet()));
    assertEquals(List.of("tenant", "id"), spec.copiedKey());
    assertEquals(BackfillSpec.OnConflict.ERROR, spec.onConflict());
    assertEquals(3, spec.partitions());
    assertEquals(20000L, spec.rate());
    assertNull(spec.batchSize());
    assertNull(spec.batchTime(), "the default depends on the walk the part takes");
    assertEquals(Duration.ofMillis(500), spec.timeouts().lockTimeout());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      a key walk                   | guard: false                    | KEY    | PT0.04S
      a range walk                 | guard: false                    | RANGES | PT0.04S
      a match walk                 | guard: false                    | MATCHES| PT0.04S
      a page walk                  | guard: false                    | PAGES  | PT0.06S
      a copy between targets       | fromTarget: other               | KEY    | PT0.06S
      a guard                      | guard: true                     | PAGES  | PT0.02S
      a guard with its batch time  | guard: true\\nbatchTime: 60ms   | KEY    | PT0.06S
      the plan's batch time        | batchTime: 25ms                 | PAGES  | PT0.025S
      """)
  void theBatchTimeDefaultsByWalkAndGuard(String name, String fields, WalkKind walk, Duration batchTime)
      throws Exception {
    PlanStep step = PlanParser.parse(plan("from: orders\nkey: [id]\ninto: orders_v2\ncolumns: {id: id}\n"
        + fields.replace("\\n", "\n")), "p.yaml", null, StepKinds.ALL).step("b").orElseThrow();
    assertEquals(batchTime, ((BackfillSpec) step.spec()).batchTimeFor(walk));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      no source               | key: [id]\\ninto: t\\ncolumns: {id: id}                                     | a backfill needs a source
      two sources             | from: a\\nquery: SELECT 1 AS id\\nkey: [id]\\ninto: t\\ncolumns: {id: id}      | give either from: or query:
      no key                  | from: a\\ninto: t\\ncolumns: {id: id}                                       | a backfill needs key:
      a quoted name           | from: '"Weird Table"'\\nkey: [id]\\ninto: t\\ncolumns: {id: id}              | is not a plain table name
      a bad key column        | from: a\\nkey: [id; drop]\\ninto: t\\ncolumns: {id: id}                     | is not a plain column name
      no target               | from: a\\nkey: [id]                                                      | a backfill needs a target
      no columns              | from: a\\nkey: [id]\\ninto: t                                              | a copy needs columns:
      update from a query     | query: SELECT 1 AS id\\nkey: [id]\\nset: {n: 1}\\nirreversible: true        | the source must be from: TABLE
      update without undo     | from: a\\nkey: [id]\\nset: {n: n + 1}                                      | cannot be undone automatically
      key not copied as-is    | from: a\\nkey: [id]\\ninto: t\\ncolumns: {id: id + 1}                       | is not copied as-is
      bad onConflict          | from: a\\nkey: [id]\\ninto: t\\ncolumns: {id: id}\\nonConflict: replace       | onConflict must be error, nothing or update
      upsert without its key  | from: a\\nkey: [id]\\ninto: t\\ncolumns: {id: id}\\nonConflict: update        | needs conflictColumns
      too many partitions     | from: a\\nkey: [id]\\ninto: t\\ncolumns: {id: id}\\npartitions: 9             | partitions must be between 1 and 8
      an empty expression     | from: a\\nkey: [id]\\ninto: t\\ncolumns:\\n  id:                           | must be text, found nothing
      """)
  void reportsAWrongBackfill(String name, String fields, String message) {
    InvalidPlanException failure = assertThrows(InvalidPlanException.class,
        () -> PlanParser.parse(plan(fields.replace("\\n", "\n")), "p.yaml", null, StepKinds.ALL));
    assertTrue(failure.getMessage().contains(message), name + ": " + failure.getMessage());
  }

  @Test
  void aCopyMayBeUndoneBySqlOrDeclaredIrreversible() throws Exception {
    PlanParser.parse(plan("from: a\nkey: [id]\ninto: t\ncolumns: {id: id + 1}\ncompensate: DELETE FROM t"), "p.yaml", null, StepKinds.ALL);
    PlanParser.parse(plan("from: a\nkey: [id]\ninto: t\ncolumns: {id: id + 1}\nirreversible: true"), "p.yaml", null, StepKinds.ALL);
    InvalidPlanException both = assertThrows(InvalidPlanException.class, () -> PlanParser.parse(
        plan("from: a\nkey: [id]\ninto: t\ncolumns: {id: id}\ncompensate: DELETE FROM t\nirreversible: true"),
        "p.yaml", null, StepKinds.ALL));
    assertTrue(both.getMessage().contains("contradict"), both.getMessage());
  }
}
