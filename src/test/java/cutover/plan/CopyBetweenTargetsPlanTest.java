package cutover.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.steps.StepKinds;
import cutover.activities.steps.backfill.BackfillSpec;
import cutover.activities.steps.parity.ParitySpec;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A plan's copy between targets and its parity: what the parser takes, and what it refuses where it is written. */
class CopyBetweenTargetsPlanTest {

  @Test
  void readsTheSourceTargetOfACopyAndOfAParitySide() throws InvalidPlanException {
    Plan plan = PlanParser.parse("""
        name: p
        target: prod
        phases:
          - name: copy
            steps:
              - id: copy-users
                kind: backfill
                fromTarget: staging
                from: public.users
                key: [id]
                into: public.users
                columns: {id: id, email: email}
              - id: compare
                kind: parity
                legacy: {target: staging, table: public.users}
                new: {table: public.users}
                key: [id]
        """, "plan.yaml", Set.of("prod", "staging"), StepKinds.ALL);
    BackfillSpec copy = (BackfillSpec) plan.step("copy-users").orElseThrow().spec();
    assertEquals("staging", copy.fromTarget());
    assertEquals(false, copy.captures());
    ParitySpec parity = (ParitySpec) plan.step("compare").orElseThrow().spec();
    assertEquals("staging", parity.legacy().target());
    assertEquals(null, parity.fresh().target());
  }

  static Stream<Arguments> refusedPlans() {
    return Stream.of(
        Arguments.of("fromTarget: stagign\n", "12:21", "unknown target 'stagign'", "did you mean 'staging'?"),
        Arguments.of("fromTarget: prod\n", "12:21", "is the plan's own target", "remove fromTarget:"),
        Arguments.of("fromTarget: staging\ncapture: true\n", "13:18", "capture: true is not available with fromTarget",
            "freeze the source's writes"),
        Arguments.of("fromTarget: staging\nwalk: pages\n", "13:15", "walks by key only", "walk: key"),
        Arguments.of("fromTarget: staging\nguard: true\n", "13:16", "guard: is not available with fromTarget",
            "rate:"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedPlans")
  void refusesWhatACopyBetweenTargetsCannotDo(String fields, String position, String message, String fix) {
    String yaml = """
        name: p
        target: prod
        phases:
          - name: copy
            steps:
              - id: copy-users
                kind: backfill
                from: public.users
                key: [id]
                into: public.users
                columns: {id: id, email: email}
        """ + fields.lines().map(line -> "        " + line + "\n").reduce("", String::concat);
    InvalidPlanException e = assertThrows(InvalidPlanException.class,
        () -> PlanParser.parse(yaml, "plan.yaml", Set.of("prod", "staging"), StepKinds.ALL));
    PlanProblem problem = e.problems().get(0);
    assertEquals(1, e.problems().size(), e::getMessage);
    assertEquals(position, problem.line() + ":" + problem.column(), e::getMessage);
    assertTrue(problem.message().contains(message), problem.message());
    assertTrue(problem.fix().contains(fix), problem.fix());
  }

  @Test
  void refusesAnUpdateInPlaceAndAnUnknownParitySide() {
    String yaml = """
        name: p
        target: prod
        phases:
          - name: copy
            steps:
              - id: fix-users
                kind: backfill
                fromTarget: staging
                from: public.users
                key: [id]
                set: {email: lower(email)}
                irreversible: true
              - id: compare
                kind: parity
                legacy: {target: nowhere, table: users}
                new: {table: users}
                key: [id]
        """;
    InvalidPlanException e = assertThrows(InvalidPlanException.class,
        () -> PlanParser.parse(yaml, "plan.yaml", Set.of("prod", "staging"), StepKinds.ALL));
    List<String> problems = e.problems().stream().map(PlanProblem::format).toList();
    assertEquals(2, problems.size(), e::getMessage);
    assertTrue(problems.get(0).startsWith("plan.yaml:11:") && problems.get(0).contains("set: updates the from: table"
        + " in place, and with fromTarget: that table is on another target"), problems.get(0));
    assertTrue(problems.get(1).startsWith("plan.yaml:15:26: step 'compare' legacy: target: unknown target 'nowhere'"),
        problems.get(1));
  }
}
