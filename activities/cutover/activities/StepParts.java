package cutover.activities;

/**
 * The parts of a batched step's apply or compensation.
 *
 * @param parts how many part activities to run (0: none)
 * @param recorded the ledger already holds the action's result: nothing to run
 */
public record StepParts(int parts, boolean recorded) {}
