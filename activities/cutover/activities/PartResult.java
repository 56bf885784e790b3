package cutover.activities;

/**
 * What one part of a batched step did.
 *
 * @param rows rows written by the part, over all its attempts
 * @param rowsThisAttempt rows written by the attempt that finished it
 * @param batchP99Millis the attempt's batch transactions (the time each held its locks): 99th percentile, in ms
 */
public record PartResult(String stepId, StepAction action, int part, long rows, long batches, long rowsThisAttempt,
    long millis, long batchP50Millis, long batchP99Millis, long batchMaxMillis, String summary) {}
