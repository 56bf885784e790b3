package cutover.workflows;

/**
 * How one key's workflow ended.
 *
 * @param step the keyed step that failed ({@code copy[acme]}), or null
 * @param error why it failed, or null
 */
public record KeyOutcome(String key, KeyState state, String step, String error) {}
