package cutover.starter;

import static cutover.testing.CliRun.cutover;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plan lint and plan explain from the command line: their tables, their JSON, and push refusing lint errors. */
class PlanExplainLintCliTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String EXAMPLE = "examples/contract-templates/workload.plan.yaml";

  static final String RENAMES = """
      name: renames
      target: demo
      phases:
        - name: one
          steps:
            - id: rename
              kind: sql
              sql: ALTER TABLE orders RENAME COLUMN note TO remark
              compensate: ALTER TABLE orders RENAME COLUMN remark TO note
      """;

  @TempDir Path dir;

  @Test
  void lintPrintsEachFindingWithItsPositionAndExitsTwoOnErrors() throws Exception {
    Path plan = Files.writeString(dir.resolve("renames.yaml"), RENAMES);
    CliRun run = cutover("plan", "lint", plan.toString());
    assertEquals(2, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains(plan + ":8:14: error [rename-in-one-step] renaming orders.note to remark"), run.out());
    assertTrue(run.out().contains("1 error, 0 warnings, 0 acknowledged"), run.out());
  }

  @Test
  void lintJsonHasTheDocumentedShape() throws Exception {
    Path plan = Files.writeString(dir.resolve("renames.yaml"), RENAMES);
    CliRun run = cutover("plan", "lint", plan.toString(), "--output", "json");
    assertEquals(2, run.exitCode());
    JsonNode report = JSON.readTree(run.out());
    assertEquals(1, report.get("errors").asInt());
    JsonNode finding = report.get("findings").get(0);
    assertEquals("rename-in-one-step", finding.get("rule").asText());
    assertEquals("error", finding.get("severity").asText());
    assertEquals(8, finding.get("line").asInt());
    assertEquals("rename", finding.get("step").asText());
    assertFalse(finding.get("rewrite").asText().isBlank());
    assertFalse(finding.get("acknowledged").asBoolean());
  }

  @Test
  void theExampleLintsClean() {
    CliRun run = cutover("plan", "lint", EXAMPLE);
    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("0 errors, 0 warnings, 1 acknowledged"), run.out());
  }

  @Test
  void pushRefusesUnacknowledgedErrorsBeforeReachingTemporal() throws Exception {
    Path plan = Files.writeString(dir.resolve("renames.yaml"), RENAMES);
    // no server listens on this port: the refusal comes first
    CliRun run = cutover("plan", "push", plan.toString(), "--address", "127.0.0.1:1");
    assertEquals(2, run.exitCode(), run.out() + run.err());
    assertTrue(run.err().contains("[rename-in-one-step]"), run.err());
    assertTrue(run.err().contains("nothing was registered"), run.err());
  }

  @Test
  void explainTableFitsTheTerminalAndSaysWhatEachStatementLocks() {
    CliRun run = cutover("plan", "explain", EXAMPLE, "--start", "2026-12-01T09:00:00Z");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().lines().allMatch(line -> line.length() <= PlanExplainCommand.WIDTH), run.out());
    assertTrue(run.out().contains("LOCK TABLE   contracts ACCESS EXCLUSIVE, contract_lines ACCESS EXCLUSIVE  blocks reads"
        + " and writes"), run.out());
    assertTrue(run.out().contains("unparsed: a DO block runs PL/pgSQL"), run.out());
    assertTrue(run.out().contains("drop-legacy-template-rows  (sql)  POINT OF NO RETURN"), run.out());
    assertTrue(run.out().contains("1 approval from cutover-demo, dba-on-call"), run.out());
  }

  @Test
  void explainJsonHasTheDocumentedShape() throws Exception {
    CliRun run = cutover("plan", "explain", EXAMPLE, "--output", "json", "--start", "2026-12-01T09:00:00Z");
    assertEquals(0, run.exitCode(), run.err());
    JsonNode explanation = JSON.readTree(run.out());
    assertEquals("contract-templates", explanation.get("plan").asText());
    assertEquals("2026-12-01T09:00:00Z", explanation.get("start").asText());
    assertFalse(explanation.has("target"));
    JsonNode drop = explanation.get("phases").get(2).get("steps").get(3);
    assertEquals("drop-legacy-template-rows", drop.get("id").asText());
    assertTrue(drop.get("pointOfNoReturn").asBoolean());
    assertEquals("irreversible", drop.get("undo").get("how").asText());
    JsonNode lock = drop.get("statements").get(0);
    assertEquals("LOCK TABLE", lock.get("kind").asText());
    assertEquals("ACCESS EXCLUSIVE", lock.get("locks").get(0).get("level").asText());
    assertEquals("reads and writes", lock.get("blocks").asText());
    assertTrue(drop.get("statements").get(1).has("unparsed"));
    assertEquals("PT0.5S", drop.get("lockWait").get("lockTimeout").asText());
    assertEquals("PT5M", drop.get("lockWait").get("lockRetryFor").asText());
    JsonNode gate = explanation.get("phases").get(2).get("steps").get(0);
    assertEquals(1, gate.get("approval").get("approvals").asInt());
  }
}
