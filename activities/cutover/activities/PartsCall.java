package cutover.activities;

/** Prepare the parts of a batched step's apply or compensation. */
public record PartsCall(StepCall call, StepAction action) {}
