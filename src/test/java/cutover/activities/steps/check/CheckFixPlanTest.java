package cutover.activities.steps.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.explain.PlanExplainer;
import cutover.activities.lint.PlanLint;
import cutover.activities.steps.StepKinds;
import cutover.plan.InvalidPlanException;
import cutover.plan.Plan;
import cutover.plan.PlanParser;
import cutover.plan.PlanProblem;
import cutover.plan.PlanStep;
import cutover.plan.Undo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Everything reversible or declared not: how a plan says a check's fix is undone, and what the validator refuses. */
class CheckFixPlanTest {

  private static String plan(String step) {
    return "name: p\ntarget: t\nphases:\n  - name: fix\n    steps:\n      - id: orders-have-customers\n"
        + step.lines().map(line -> "        " + line + "\n").reduce("", String::concat);
  }

  private static Plan parse(String step) throws InvalidPlanException {
    return PlanParser.parse(plan(step), "plan.yaml", Set.of("t"), StepKinds.ALL);
  }

  private static PlanProblem onlyProblem(String step) {
    InvalidPlanException e = assertThrows(InvalidPlanException.class, () -> parse(step));
    assertEquals(1, e.problems().size(), e::getMessage);
    return e.problems().get(0);
  }

  @Test
  void aFixThatSavesNothingAndHasNoCompensateMustBeDeclared() {
    PlanProblem problem = onlyProblem("""
        kind: check
        query: SELECT id FROM orders WHERE customer_id IS NULL
        fix: UPDATE orders SET customer_id = 0 WHERE customer_id IS NULL
        """);
    assertEquals("plan.yaml", problem.file());
    assertEquals("9:14", problem.line() + ":" + problem.column(), "at the fix's SQL");
    assertTrue(problem.message().contains("step 'orders-have-customers'") && problem.message().contains("saves nothing")
        && problem.message().contains("compensate:") && problem.message().contains("irreversible: true"),
        problem.message());
    assertTrue(problem.fix().contains("saves: {orders: customer_id IS NULL}"), problem.fix());
  }

  @Test
  void anIrreversibleFixNeedsItsReason() throws InvalidPlanException {
    PlanProblem problem = onlyProblem("""
        kind: check
        query: SELECT id FROM orders WHERE customer_id IS NULL
        fix: UPDATE orders SET customer_id = 0 WHERE customer_id IS NULL
        irreversible: true
        """);
    assertEquals(9, problem.line());
    assertTrue(problem.message().contains("without saying why"), problem.message());
    assertTrue(problem.fix().contains("description:"), problem.fix());

    PlanStep declared = parse("""
        kind: check
        description: orders without a customer go to the house account, which stays
        query: SELECT id FROM orders WHERE customer_id IS NULL
        fix: UPDATE orders SET customer_id = 0 WHERE customer_id IS NULL
        irreversible: true
        """).step("orders-have-customers").orElseThrow();
    assertTrue(declared.irreversible());
  }

  @Test
  void savesKeepTablesInThePlansOrderWithTheirConditions() throws InvalidPlanException {
    PlanStep step = parse("""
        kind: check
        query: SELECT id FROM orders WHERE customer_id IS NULL
        fix: UPDATE orders SET customer_id = 0 WHERE customer_id IS NULL
        saves:
          public.customers: all
          orders: customer_id IS NULL
        """).step("orders-have-customers").orElseThrow();
    CheckSpec spec = (CheckSpec) step.spec();
    assertEquals(List.of("public.customers", "orders"), List.copyOf(spec.saves().keySet()));
    assertEquals(Map.of("public.customers", "all", "orders", "customer_id IS NULL"), spec.saves());
    assertEquals(Undo.OPTIONAL, StepKinds.ALL.of(step).undo(spec));
  }

  @Test
  void aCompensateUndoesAFixAndOnlyAFix() throws InvalidPlanException {
    parse("""
        kind: check
        query: SELECT id FROM orders WHERE customer_id IS NULL
        fix: UPDATE orders SET customer_id = 0 WHERE customer_id IS NULL
        compensate: UPDATE orders SET customer_id = NULL WHERE customer_id = 0
        """);
    PlanProblem withoutFix = onlyProblem("""
        kind: check
        query: SELECT id FROM orders WHERE customer_id IS NULL
        compensate: UPDATE orders SET customer_id = NULL WHERE customer_id = 0
        """);
    assertEquals("9:9", withoutFix.line() + ":" + withoutFix.column());
    assertTrue(withoutFix.message().contains("changes nothing"), withoutFix.message());
  }

  @Test
  void savesAndCompensateOrIrreversibleContradictEachOther() {
    PlanProblem both = onlyProblem("""
        kind: check
        query: SELECT id FROM orders WHERE customer_id IS NULL
        fix: UPDATE orders SET customer_id = 0 WHERE customer_id IS NULL
        saves: {orders: customer_id IS NULL}
        compensate: UPDATE orders SET customer_id = NULL WHERE customer_id = 0
        """);
    assertTrue(both.message().contains("not both"), both.message());
    PlanProblem irreversible = onlyProblem("""
        kind: check
        description: why not
        query: SELECT id FROM orders WHERE customer_id IS NULL
        fix: UPDATE orders SET customer_id = 0 WHERE customer_id IS NULL
        saves: {orders: customer_id IS NULL}
        irreversible: true
        """);
    assertTrue(irreversible.message().contains("irreversible: true says it cannot"), irreversible.message());
    PlanProblem noFix = onlyProblem("""
        kind: check
        query: SELECT id FROM orders WHERE customer_id IS NULL
        saves: {orders: all}
        """);
    assertTrue(noFix.message().contains("has no fix:"), noFix.message());
    PlanProblem badName = onlyProblem("""
        kind: check
        query: SELECT id FROM orders WHERE customer_id IS NULL
        fix: UPDATE orders SET customer_id = 0 WHERE customer_id IS NULL
        saves: {"\\"orders\\"": all}
        """);
    assertTrue(badName.message().contains("is not a table name"), badName.message());
  }

  /** A soak never runs a fix, so a fix in a soak's check needs no undo (plans that had one stay valid). */
  @Test
  void aSoaksCheckMayKeepItsFixWithoutAnUndo() throws InvalidPlanException {
    parse("""
        kind: soak
        every: 1m
        for: 1h
        check:
          query: SELECT id FROM orders WHERE customer_id IS NULL
          fix: UPDATE orders SET customer_id = 0 WHERE customer_id IS NULL
        """);
  }

  @Test
  void explainSaysWhatARollbackOfASnapshotPutsBack() throws InvalidPlanException {
    Plan snapshot = parse("""
        kind: snapshot
        tables: [contracts, contract_lines]
        """);
    String how = PlanExplainer.explain(snapshot, null, null).phases().get(0).steps().get(0).undo().by();
    assertEquals("a rollback puts back the rows of contracts, contract_lines as they were at the snapshot", how);
  }

  @Test
  void explainSaysHowARollbackUndoesTheFixAndLintJudgesItsCompensate() throws InvalidPlanException {
    Plan saved = parse("""
        kind: check
        query: SELECT id FROM orders WHERE customer_id IS NULL
        fix: UPDATE orders SET customer_id = 0 WHERE customer_id IS NULL
        saves: {orders: customer_id IS NULL}
        """);
    String how = PlanExplainer.explain(saved, null, null).phases().get(0).steps().get(0).undo().by();
    assertTrue(how.contains("puts back the rows of orders where customer_id IS NULL"), how);

    String readsOnlyStep = """
        kind: check
        query: SELECT id FROM orders WHERE customer_id IS NULL
        fix: UPDATE orders SET customer_id = 0 WHERE customer_id IS NULL
        compensate: SELECT count(*) FROM orders
        """;
    var findings = PlanLint.lint(parse(readsOnlyStep), plan(readsOnlyStep), "plan.yaml", Instant.now()).findings();
    assertTrue(findings.stream().anyMatch(f -> f.rule().equals("compensate-does-not-undo") && f.line() == 10),
        findings::toString);
  }
}
