package cutover.activities;

/**
 * @param execution the Temporal run id of the workflow execution that begins the run: a second
 *     resume under the same workflow id (after Temporal lost the run twice) is a takeover of its own
 */
public record BeginRun(String target, String runId, String planName, String planHash, String workflowId,
    String startedBy, boolean resume, String execution) {

  public BeginRun(String target, String runId, String planName, String planHash, String workflowId, String startedBy,
      boolean resume) {
    this(target, runId, planName, planHash, workflowId, startedBy, resume, null);
  }
}
