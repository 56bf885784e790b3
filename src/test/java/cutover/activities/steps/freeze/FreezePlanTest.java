package cutover.activities.steps.freeze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.steps.StepKinds;
import cutover.plan.InvalidPlanException;
import cutover.plan.PlanParser;
import cutover.plan.PlanProblem;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A freeze or unfreeze step written wrong is reported where it is written, by file:line:column. */
class FreezePlanTest {

  @Test
  void planProblemsAreReportedAtTheirLineAndColumn() {
    assertProblem("""
        - id: f
          kind: freeze
          reason: nothing named
        """, "6:9", "a freeze step needs tables: or role:");
    assertProblem("""
        - id: f
          kind: freeze
          tables: [orders]
          role: app
        """, "9:15", "a freeze step freezes tables: or a role:, not both");
    assertProblem("""
        - id: f
          kind: freeze
          role: app
          where: "tenant = 'acme'"
        """, "9:16", "where: freezes some rows of tables: and needs them");
    assertProblem("""
        - id: f
          kind: freeze
          tables: [orders]
          grace: 2h
        """, "9:16", "grace PT2H is longer than 1h");
    assertProblem("""
        - id: thaw
          kind: unfreeze
          of: f
        - id: f
          kind: freeze
          tables: [orders]
        """, "8:13", "of: names 'f', which is not a step written before this one");
    assertProblem("""
        - id: s
          kind: sql
          sql: SELECT 1
          irreversible: true
        - id: thaw
          kind: unfreeze
          of: s
        """, "12:13", "of: names 's', a sql step, not a freeze step");
  }

  private void assertProblem(String stepsYaml, String position, String message) {
    InvalidPlanException e = assertThrows(InvalidPlanException.class,
        () -> PlanParser.parse(FreezeStepTest.yaml(stepsYaml), "freeze.yaml", Set.of("t"), StepKinds.ALL));
    assertEquals(1, e.problems().size(), e::getMessage);
    PlanProblem problem = e.problems().get(0);
    assertEquals(position, problem.line() + ":" + problem.column(), e::getMessage);
    assertTrue(problem.message().contains(message), e::getMessage);
    assertTrue(e.getMessage().contains("freeze.yaml:" + position + ":"), e::getMessage);
  }

}
