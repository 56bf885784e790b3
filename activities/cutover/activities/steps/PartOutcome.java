package cutover.activities.steps;

/**
 * What one part did, in this attempt and in total.
 *
 * @param batchP99Millis the 99th percentile of this attempt's batch transactions (how long each
 *     held its locks), in ms
 */
public record PartOutcome(long rowsDone, long batches, long rowsThisAttempt, long batchP50Millis, long batchP99Millis,
    long batchMaxMillis, String summary) {}
