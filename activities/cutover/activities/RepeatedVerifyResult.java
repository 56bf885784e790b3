package cutover.activities;

/**
 * How a run of a soak's checks ended.
 *
 * @param passed the checks that held, in a row from the first
 * @param failure why the next one did not, or null when all {@code count} held
 */
public record RepeatedVerifyResult(int passed, String failure) {}
