package cutover.activities.steps.soak;

/**
 * How a soak ended.
 *
 * @param checks the checks that ran, the failed one included
 * @param failure why the last check failed, when {@code ended} is FAILED
 * @param cleanSinceMillis when the soak started
 */
public record SoakResult(SoakEnd ended, int checks, String failure, long cleanSinceMillis, long endsAtMillis,
    boolean findings) {}
