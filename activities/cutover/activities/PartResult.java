package cutover.activities;

/**
 * What one part of a batched step did.
 *
 * @param rows rows written by the part, over all its attempts
 * @param rowsThisAttempt rows written by the attempt that finished it
 */
public record PartResult(String stepId, String action, int part, long rows, long batches, long rowsThisAttempt,
    long millis, String summary) {}
