package cutover.activities;

/**
 * A run of a soak's checks in one activity: {@code count} checks {@code everyMillis} apart, the
 * first at once, numbered from {@code first.iteration()}. Frequent checks are cheaper polled in an
 * activity than one timer and one activity each in the workflow's history.
 */
public record RepeatedVerifyCall(VerifyCall first, int count, long everyMillis) {}
