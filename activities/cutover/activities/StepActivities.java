package cutover.activities;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Runs steps against a target, exactly once each, through the ledger. */
@ActivityInterface
public interface StepActivities {
  /** The failure type of a verification that ran and did not hold: its findings, not an error. */
  String VERIFICATION_FAILED = "VerificationFailed";

  /**
   * Applies the step and records it in the same transaction. If the ledger already holds the
   * step as applied for this run, returns that record without running anything.
   */
  @ActivityMethod(name = "ApplyStep")
  StepResult apply(StepCall call);

  /**
   * Runs the step's compensation and records it in the same transaction. A step the ledger
   * does not show as applied has nothing to undo; one already compensated is not undone twice.
   */
  @ActivityMethod(name = "CompensateStep")
  StepResult compensate(StepCall call);

  /**
   * Runs a verification (check, parity, http) once more for a soak: its report is kept with the
   * iteration, no step row is written, and no fix runs. Fails like apply when it does not hold.
   */
  @ActivityMethod(name = "VerifyStep")
  StepResult verify(VerifyCall call);

  /**
   * Runs a soak's verification {@code count} times, {@code every} apart, as {@link #verify} does
   * once each; returns at the first that does not hold. Heartbeats the checks done.
   */
  @ActivityMethod(name = "VerifyStepRepeatedly")
  RepeatedVerifyResult verifyRepeatedly(RepeatedVerifyCall call);

  /**
   * For a batched step (a backfill): fixes the work of its apply or compensation and splits it
   * into parts, recorded in the ledger; called again it returns the recorded split. Afterwards
   * the parts run ({@link #runPart}) and {@link #apply} / {@link #compensate} record the result.
   */
  @ActivityMethod(name = "PrepareStepParts")
  StepParts prepareParts(PartsCall call);

  /**
   * Runs one part of a batched step batch by batch, each batch committed with its checkpoint;
   * heartbeats carry its progress. Retried, it goes on after its last committed batch.
   */
  @ActivityMethod(name = "RunStepPart")
  PartResult runPart(PartCall call);
}
