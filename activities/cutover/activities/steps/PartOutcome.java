package cutover.activities.steps;

/** What one part did in this attempt and in total. */
public record PartOutcome(long rowsDone, long batches, long rowsThisAttempt, String summary) {}
