package cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.starter.CutoverCli;
import cutover.testing.TemporalDevServerExtension;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** On a real server, which can say who polls a task queue, a start with no worker is refused before anything starts. */
class StartWithoutWorkerIT {
  @RegisterExtension
  static final TemporalDevServerExtension temporal = new TemporalDevServerExtension(false);

  @Test
  void aStartWithNoWorkerPollingIsRefusedAtOnceAndStartsNothing() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = CutoverCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    long began = System.nanoTime();
    int code = cli.execute("start", "contract-templates", "--target", "demo", "--id", "unpolled", "--address",
        temporal.address());
    long millis = (System.nanoTime() - began) / 1_000_000;
    assertEquals(CutoverCli.FAILED, code, out.toString() + err);
    assertTrue(err.toString().contains("no worker is polling task queue cutover (none seen in the last 2 minutes); "
        + "start one with `cutover worker` (or `cutover dev`), then start again: nothing was started"), err.toString());
    assertTrue(millis < 15_000, "took " + millis + " ms");
    System.out.println("start-without-worker: refused in " + millis + " ms");
    StatusRuntimeException none = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> temporal.connection().service().blockingStub().describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId("unpolled")).build()));
    assertEquals(io.grpc.Status.Code.NOT_FOUND, none.getStatus().getCode());
  }
}
