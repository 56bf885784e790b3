package cutover.activities;

/** Run one part (from 0, of {@code parts}) of a batched step's apply or compensation. */
public record PartCall(StepCall call, StepAction action, int part, int parts) {}
