package cutover.activities;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Ends a run that cannot go on (`cutover abandon`).
 *
 * @param target the run's target; null to look in every target of the worker
 * @param requestId makes the call idempotent: a retry after the commit finds its own abandon
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AbandonRun(String target, String runId, String by, String reason, String requestId) {}
