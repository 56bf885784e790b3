package cutover.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cutover.activities.steps.StepKinds;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A phase's {@code waves:}: read into {@link Waves}, every mistake reported at its line and column. */
class WavesPlanTest {

  private static final String WAVES = """
          waves:
            keys: "SELECT tenant_id FROM tenants ORDER BY 1"
            canary: [acme, 42]
            size: 10
            concurrency: 3
            failureBudget: 2
            approveBetween: true
      """;

  /** A plan whose phase has these waves: lines (indented as WAVES is), and these steps after its own. */
  static String plan(String waves, String moreSteps) {
    return """
        name: tenants
        target: demo
        phases:
          - name: move
        """ + waves + """
            steps:
              - id: copy
                kind: sql
                sql: INSERT INTO new_orders SELECT * FROM orders WHERE tenant_id = current_setting('cutover.key')::int
                compensate: DELETE FROM new_orders WHERE tenant_id = current_setting('cutover.key')::int
        """ + moreSteps;
  }

  private static final String PLAN = plan(WAVES, "");

  static Plan parse(String yaml) throws InvalidPlanException {
    return PlanParser.parse(yaml, "plan.yaml", null, StepKinds.ALL);
  }

  static List<String> problems(String yaml) {
    return assertThrows(InvalidPlanException.class, () -> parse(yaml)).problems().stream().map(PlanProblem::format)
        .toList();
  }

  @Test
  void readsTheWaves() throws InvalidPlanException {
    Waves waves = parse(PLAN).phases().get(0).waves();
    assertEquals(new Waves("SELECT tenant_id FROM tenants ORDER BY 1", List.of("acme", "42"), 0, 10, 3, 2, true,
        Duration.ofSeconds(30)), waves);
  }

  @Test
  void defaultsAndACanaryCount() throws InvalidPlanException {
    Waves waves = parse(plan("""
            waves:
              keys: "SELECT tenant_id FROM tenants ORDER BY 1"
              canary: 2
        """, "")).phases().get(0).waves();
    assertEquals(new Waves("SELECT tenant_id FROM tenants ORDER BY 1", List.of(), 2, 10, 1, 0, false, null), waves);
    assertEquals(null, parse(plan("", "")).phases().get(0).waves(), "a phase without waves runs once");
  }

  @Test
  void reportsEachMistakeWhereItIs() {
    String wrong = PLAN.replace("canary: [acme, 42]", "canary: [acme, acme]").replace("size: 10", "size: 0")
        .replace("concurrency: 3", "concurrency: three").replace("approveBetween: true", "approveBetween: true\n      approveBetwen: false");
    assertEquals(List.of(
        "plan.yaml:7:22: phase 'move' waves: canary key 'acme' is named twice — name each canary key once",
        "plan.yaml:8:13: phase 'move' waves: size must be between 1 and 1000, found 0 — write a whole number between 1 and 1000",
        "plan.yaml:9:20: phase 'move' waves: concurrency must be a whole number, found the text 'three' — write a whole "
            + "number between 1 and 100",
        "plan.yaml:12:7: unknown field 'approveBetwen' in phase 'move' waves — did you mean 'approveBetween'?"),
        problems(wrong));
  }

  @Test
  void needsItsKeysQueryAndAMapping() {
    assertEquals(List.of("plan.yaml:6:7: phase 'move' waves has no keys: — give a read-only query whose first column "
        + "lists the keys, e.g. keys: \"SELECT tenant_id FROM tenants ORDER BY 1\""),
        problems(PLAN.replace("      keys: \"SELECT tenant_id FROM tenants ORDER BY 1\"\n", "")));
    assertEquals(List.of("plan.yaml:5:12: phase 'move' waves must be a mapping, found the text 'tenants' — write waves: "
        + "{keys: \"SELECT tenant FROM tenants ORDER BY 1\", size: 10}"),
        problems(plan("    waves: tenants\n", "")));
  }

  @Test
  void refusesGatesAndAPointOfNoReturnAmongTheStepsOfWaves() {
    String withGate = plan(WAVES, """
            - id: go
              kind: approval
            - id: flip
              kind: sql
              sql: UPDATE tenants SET moved = true WHERE tenant_id = current_setting('cutover.key')::int
              irreversible: true
              pointOfNoReturn: true
      """);
    assertEquals(List.of(
        "plan.yaml:18:15: step 'go': a approval step cannot be in phase 'move', which runs per key in waves — to wait "
            + "for people between waves write approveBetween: true under waves:",
        "plan.yaml:23:9: step 'flip': a step of phase 'move' (waves) cannot be the point of no return: it runs once per "
            + "key — mark a step of a phase without waves as pointOfNoReturn: true"),
        problems(withGate));
  }
}
