package cutover.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.testing.CliRun;
import cutover.worker.ExampleTargets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code cutover demo NAME} finds the examples the build carries, and names them when it is given another. */
class DemoExamplesTest {

  @Test
  void findsEveryExampleOnTheClasspath() throws Exception {
    assertTrue(DemoCommand.Examples.names().containsAll(List.of("contract-templates", "default-contract-gates",
        "invoice-reader-first")), DemoCommand.Examples.names().toString());
    assertFalse(DemoCommand.Examples.find("contract-templates").orElseThrow().hasCommands());
    assertTrue(DemoCommand.Examples.find("default-contract-gates").orElseThrow().hasCommands());
    assertFalse(DemoCommand.Examples.find("reporting-rollout").orElseThrow().hasCommands(), "its region-af is known");
    assertEquals(List.of(new ExampleTargets.Declared("region-af", List.of("region-af.sql"), false)),
        ExampleTargets.declared("reporting-rollout"));
    assertEquals(List.of(), ExampleTargets.declared("contract-templates"), "an example without targets.yaml");
    assertTrue(DemoCommand.Examples.find("../examples").isEmpty());
  }

  @Test
  void anExampleDeclaresItsOtherTargetsInTargetsYaml() throws Exception {
    assertEquals(List.of(new ExampleTargets.Declared("staging", List.of("schema.sql", "data.sql", "targets/staging.sql"),
        false)), ExampleTargets.declared("laddr-cutover"), "a staging copy: the example's own files, then its own");
    assertEquals(List.of(), ExampleTargets.names("contract-templates"));
    // its plan reads target staging, known to the demo's parse and worker
    assertTrue(DemoCommand.Examples.find("laddr-cutover").orElseThrow().hasCommands());
  }

  @Test
  void anUnknownExampleIsRefusedWithTheKnownOnes() {
    CliRun run = CliRun.cutover("demo", "no-such-example");
    assertEquals(CutoverCli.BAD_INPUT, run.exitCode());
    assertTrue(run.err().contains("there is no example 'no-such-example': the examples are contract-templates, "), run.err());
    assertTrue(run.err().contains("invoice-reader-first"), run.err());
  }
}
