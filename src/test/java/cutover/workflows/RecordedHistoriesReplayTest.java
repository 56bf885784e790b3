package cutover.workflows;

import io.temporal.common.WorkflowExecutionHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Histories recorded by earlier versions of the engine (the demo's real run, and the workflow
 * tests' scenarios) replay on today's workflow code: a change that would break a running
 * cutover on upgrade fails here. Files: {@code src/test/resources/histories}, one per workflow,
 * recorded before step kinds had typed specs (the plans in them carry the old untyped form).
 */
class RecordedHistoriesReplayTest {
  static final Path DIR = Path.of("src/test/resources/histories");

  static List<Path> histories() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  /** The workflow id each recorded parent ran under: its children's ids derive from it. */
  static final Map<String, String> WORKFLOW_IDS = Map.of(
      "demo.cutover.json", "contract-templates-demo",
      "three-phases.cutover.json", "replay",
      "timed.cutover.json", "timed-replay",
      "waves.cutover.json", "across");

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void replays(Path file) throws Exception {
    String name = file.getFileName().toString();
    WorkflowExecutionHistory history = WORKFLOW_IDS.containsKey(name)
        ? WorkflowExecutionHistory.fromJson(Files.readString(file), WORKFLOW_IDS.get(name))
        : WorkflowExecutionHistory.fromJson(Files.readString(file));
    Replays.replay(history);
  }
}
