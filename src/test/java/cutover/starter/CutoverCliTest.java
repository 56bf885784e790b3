package cutover.starter;

import static cutover.testing.CliRun.cutover;

import cutover.testing.CliRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's exit codes and messages for plan validation: 0 valid, 2 invalid, nothing started; the plan schema. */
class CutoverCliTest {


  @Test
  void theExamplePlanIsValid() {
    CliRun run = cutover("plan", "validate", "examples/contract-templates/plan.yaml");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("plan contract-templates is valid: 6 phases, 45 steps, target demo"), run.out());
  }

  @Test
  void planSchemaPrintsTheKeptSchema() throws Exception {
    CliRun run = cutover("plan", "schema");
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(Files.readString(Path.of("plan.schema.json")), run.out());
  }

  @Test
  void anInvalidPlanExitsTwoWithPositions(@TempDir Path dir) throws Exception {
    Path plan = dir.resolve("bad.yaml");
    Files.writeString(plan, """
        name: bad
        target: staging
        phases:
          - name: one
            steps:
              - id: add-column
                kind: sql
                sql: ALTER TABLE t ADD COLUMN c int
        """);
    CliRun run = cutover("plan", "validate", plan.toString(), "--targets", "demo");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains(plan + ":2:9: "), run.err());
    assertTrue(run.err().contains("staging"), run.err());
    assertTrue(run.err().contains(plan + ":6:9: "), run.err());
    assertTrue(run.err().contains("nothing was started"), run.err());
  }

  @Test
  void aMissingFileExitsTwo() {
    CliRun run = cutover("plan", "validate", "no/such/plan.yaml");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("no/such/plan.yaml:1:1: file not found"), run.err());
  }

  @Test
  void badUsageExitsTwo() {
    assertEquals(2, cutover("start").exitCode());
    assertEquals(2, cutover("approve", "run-1").exitCode());
    assertEquals(2, cutover("tune", "run-1").exitCode(), "tune needs --batch-size or --rate");
    assertEquals(2, cutover("tune", "run-1", "--batch-size", "many").exitCode());
    assertEquals(2, cutover("bench", "backfill", "--rows", "10").exitCode());
  }
}
