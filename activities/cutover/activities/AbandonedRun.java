package cutover.activities;

import java.util.List;

/**
 * A run the ledger now has as abandoned.
 *
 * @param stateBefore the run's state before (active, or failed)
 * @param workflowId the workflow that ran it last, which the CLI ends
 * @param appliedNotUndone the steps applied and not compensated (or irreversible), in the order they
 *     were applied, each as {@code id (kind): outcome}: what the target keeps
 * @param cleanedUp what the abandon removed that only the run's own steps would have: the change
 *     captures of backfills it interrupted and the freezes its steps left in place (null in results
 *     recorded before it did)
 */
public record AbandonedRun(String runId, String target, String planName, String workflowId, LedgerRunState stateBefore,
    List<String> appliedNotUndone, List<String> cleanedUp) {

  public AbandonedRun withCleanedUp(List<String> lines) {
    return new AbandonedRun(runId, target, planName, workflowId, stateBefore, appliedNotUndone, List.copyOf(lines));
  }
}
