package cutover.activities;

/**
 * The ledger's record of one applied or compensated step.
 *
 * @param recorded true when the ledger already held this result and nothing ran again
 * @param attempts how many transactions it took (lock timeouts retry)
 */
public record StepResult(
    String stepId, StepAction action, String outcome, Long rows, int attempts, long millis, boolean recorded) {}
