package cutover.starter;

import cutover.testing.CliRun;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed plan under {@code src/test/resources/bad-plans}: {@code cutover plan validate}
 * exits 2 and prints exactly the {@code file:line:column: message — fix} lines of its
 * {@code .expected} file. Among them: a file that is not UTF-8, UTF-16, binary, and a directory.
 */
class MalformedPlansTest {
  static final Path CORPUS = Path.of("src/test/resources/bad-plans");

  static Stream<Path> plans() throws IOException {
    try (Stream<Path> entries = Files.list(CORPUS)) {
      return entries.filter(p -> !p.toString().endsWith(".expected")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("plans")
  void validateExitsTwoWithTheExpectedPositions(Path plan) throws IOException {
    String expected = Files.readString(Path.of(plan + ".expected"), StandardCharsets.UTF_8);

    CliRun run = CliRun.cutover("plan", "validate", plan.toString(), "--targets", "demo");

    assertEquals(2, run.exitCode(), run.out() + run.err());
    assertEquals(expected, run.err());
    assertTrue(run.err().lines().filter(l -> !l.endsWith("nothing was started"))
        .allMatch(l -> l.matches(java.util.regex.Pattern.quote(plan.toString()) + ":\\d+:\\d+: .+ — .+")), run.err());
  }

  @Test
  void theCorpusHoldsAtLeastThirtyPlansAndTheUnreadableOnes() throws IOException {
    List<String> names = plans().map(p -> p.getFileName().toString()).toList();
    assertTrue(names.size() >= 30, names.size() + " plans");
    assertTrue(names.containsAll(List.of("not-utf-8.yaml", "a-directory.yaml")), names.toString());
    assertTrue(Files.isDirectory(CORPUS.resolve("a-directory.yaml")));
  }
}
