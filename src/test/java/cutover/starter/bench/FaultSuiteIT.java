package cutover.starter.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.starter.CutoverCli;
import cutover.testing.TemporalDevServerExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fault suite in small, on the real server (skipped without the Temporal CLI): one kill -9 of
 * the worker process during the example cutover, the data exact and nothing leaked. The whole
 * suite is {@code cutover bench faults}.
 */
class FaultSuiteIT {
  @Test
  void oneKillOfTheWorkerLosesNothingAndLeaksNothing() {
    Path temporal = TemporalDevServerExtension.binaryOrSkip();
    StringWriter output = new StringWriter();
    PrintWriter writer = new PrintWriter(output);
    int code = CutoverCli.commandLine().setOut(writer).setErr(writer)
        .execute("bench", "faults", "--only", "kills", "--kills", "1", "--rate", "5000", "--temporal", temporal.toString());
    writer.flush();
    List<String> lines = output.toString().lines().toList();
    String last = lines.get(lines.size() - 1);
    assertEquals(CutoverCli.OK, code, output.toString());
    assertTrue(last.matches("faults kills=1 resumed_median_s=[0-9.]+ resumed_max_s=[0-9.]+ conn_kills=0 lost_rows=0"
        + " doubled_rows=0 applied_twice=0 secrets_in_history=0 writer_p99_ms=NaN writer_max_stall_s=NaN"), last);
  }
}
