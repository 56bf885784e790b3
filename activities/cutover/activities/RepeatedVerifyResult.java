package cutover.activities;

/**
 * How a run of a soak's checks ended.
 *
 * @param passed the checks that held, in a row from the first
 * @param failure why the next one did not, or null when all {@code count} held
 * @param findings the next one failed on its findings (it did not hold), not with an error
 */
public record RepeatedVerifyResult(int passed, String failure, boolean findings) {

  public RepeatedVerifyResult(int passed, String failure) {
    this(passed, failure, false);
  }
}
