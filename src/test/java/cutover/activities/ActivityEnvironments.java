package cutover.activities;

import cutover.worker.CutoverDataConverter;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.testing.TestActivityEnvironment;
import io.temporal.testing.TestEnvironmentOptions;

/** Activity test environments that encode calls as cutover's workers and clients do. */
public final class ActivityEnvironments {
  private ActivityEnvironments() {}

  public static TestActivityEnvironment create() {
    return TestActivityEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder().setDataConverter(CutoverDataConverter.create())
            .build())
        .build());
  }
}
