package cutover.activities.steps;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.plan.InvalidPlanException;
import cutover.plan.PlanParser;
import cutover.plan.PlanProblem;
import cutover.plan.PlanStep;
import cutover.worker.CutoverDataConverter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Timeouts a plan gives must be ones PostgreSQL takes: a step must not fail, nor its rollback loop, on its own settings. */
class SqlTimeoutsTest {

  static String plan(String field, String value) {
    return """
        name: p
        target: demo
        phases:
          - name: a
            steps:
              - id: s1
                kind: sql
                sql: SELECT 1
                irreversible: true
                %s: %s
        """.formatted(field, value);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({"lockTimeout, 30d", "statementTimeout, 25d", "lockTimeout, PT596H31M24S", "lockRetryFor, 25d"})
  void aTimeoutBeyondPostgresqlsLimitIsRefusedAtItsPosition(String field, String value) {
    InvalidPlanException e = assertThrows(InvalidPlanException.class,
        () -> PlanParser.parse(plan(field, value), "plan.yaml", null, StepKinds.ALL));
    List<PlanProblem> problems = e.problems();
    assertEquals(1, problems.size(), problems.toString());
    assertEquals(10, problems.get(0).line());
    assertEquals(8 + field.length() + 3, problems.get(0).column(), "at the value");
    assertTrue(problems.get(0).message().startsWith("step 's1': " + field + " " + java.time.Duration.parse(
        value.startsWith("P") ? value : "P" + value.replace("d", "D")) + " is longer than "), problems.get(0).message());
    assertTrue(problems.get(0).message().contains("(2147483647 ms, about 24.8 days"), problems.get(0).message());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({"lockTimeout, 24d", "statementTimeout, PT596H31M23.647S", "lockRetryFor, 24d", "lockRetryFor, 1ms"})
  void theLongestTimeoutsPostgresqlTakesAreAccepted(String field, String value) {
    assertDoesNotThrow(() -> PlanParser.parse(plan(field, value), "plan.yaml", null, StepKinds.ALL));
  }

  /** Plans recorded in workflow histories before lockRetryFor still read: the old count is ignored, the default holds. */
  @Test
  void aStepRecordedWithTheOldLockRetriesCountStillDeserializes() throws Exception {
    PlanStep step = CutoverDataConverter.mapper().readValue("""
        {"id":"s1","kind":"sql","compensate":null,"irreversible":true,"pointOfNoReturn":false,
         "spec":{"lockTimeout":"PT0.2S","statementTimeout":"PT1M","lockRetries":20,"sql":"SELECT 1"},"line":7}
        """, PlanStep.class);
    assertEquals(new SqlTimeouts(Duration.ofMillis(200), Duration.ofMinutes(1), SqlTimeouts.DEFAULT_LOCK_RETRY_FOR),
        SqlTimeouts.of(step));
  }
}
