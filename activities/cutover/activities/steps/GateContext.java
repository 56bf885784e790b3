package cutover.activities.steps;

import cutover.activities.LedgerActivities;
import cutover.activities.RunEventKind;
import cutover.activities.VerifyCall;
import cutover.activities.steps.approval.ApprovalActivities;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a {@link Gate} works with inside the phase workflow: the run, activities to call, the
 * ledger's event log, and the step's state as status shows it.
 */
public interface GateContext {

  String run();

  String target();

  String phase();

  /** Who started the run. */
  String startedBy();

  LedgerActivities ledger();

  /** Checks approvers' signatures on the worker. */
  ApprovalActivities approvals();

  /** The content hash of the plan version the run follows. */
  String planHash();

  /** The findings the gate shows: the outcomes of the run's completed steps before it, as {@code ApprovalEvidence} lines. */
  List<String> findings();

  /**
   * Waits for people until {@code decided}; signed decisions that arrive meanwhile are checked
   * (an activity) and then reach the gate's {@link Gate#decideSigned}.
   */
  void awaitPeople(Supplier<Boolean> decided);

  /** A notice people read in status. */
  void notice(String text);

  /** When the run started (T when none was given), from the ledger, asked once per phase. */
  long runStartedAt();

  /** The run's instant T given at start ({@code --instant}), in epoch milliseconds, or null when none was. */
  default Long instant() {
    return null;
  }

  /**
   * Runs a repeatable verification through the VerifyStep activity (never recorded as the step).
   *
   * @return null when it held, else why not, in words
   */
  String verify(VerifyCall call);

  /**
   * The gate failed because a verification it ran elsewhere (a soak's child workflow) did not
   * hold, not with an error: its findings may be accepted.
   */
  default void failedOnFindings() {}

  /** Records a run event for the gate's step, in order with the run's other records. */
  void event(RunEventKind kind, String actor, String detail);

  /** Waits until every record so far is in the ledger. */
  void flush();

  /** An operator paused the phase: a gate that runs work over time (a soak) holds it until resumed. */
  default boolean paused() {
    return false;
  }

  /** A rollback was asked for: the gate gives way. */
  boolean rollbackRequested();

  /** The gate waits for people; {@code text} says for whom. */
  void waitingForPeople(String text);

  /** The gate waits for time ({@code showAs}: the step's state shown, waiting or running). */
  void waitingForTime(StepState showAs, String text);

  /** The gate's wait is over; the phase runs on. */
  void running();

  void completed(String outcome, Integer attempts, Long millis);

  void failed(String why);
}
