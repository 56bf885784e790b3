package cutover.activities.steps;

import cutover.plan.PlanStep;
import cutover.plan.StepFields;
import cutover.plan.StepSpec;
import cutover.plan.StepSpecReader;
import cutover.plan.Undo;

/**
 * The definition of one step kind: its name, how it is undone, where it runs, the record of its
 * fields and how they are read. Each kind is one folder under {@code steps/} holding its spec and
 * this definition, which is also its executor ({@link ExecutedKind}, {@link BatchedKind}) or its
 * workflow gate ({@link GateKind}); {@link StepKinds} registers each once.
 *
 * @param <S> the kind's spec
 */
public interface StepKind<S extends StepSpec> extends StepSpecReader {

  /** Where a kind's work runs. Activities and workflows route on this, never on kind names. */
  enum Execution {
    /** apply runs inside the transaction that also writes the step's ledger row. */
    IN_TRANSACTION,
    /**
     * apply makes calls that must not hold a database transaction open (HTTP, commands): it runs
     * with no transaction; the ledger row is written after it, in a short transaction of its own.
     * SQL it needs goes through {@link StepEnvironment#inTransaction}.
     */
    OUTSIDE_TRANSACTION,
    /** The work runs in parts of many transactions ({@link BatchedKind}), driven by the workflow. */
    BATCHED,
    /** Held by the phase workflow (people, timers): a {@link GateKind}. */
    WORKFLOW
  }

  /**
   * What the kind is.
   *
   * @param name the {@code kind:} plans use
   * @param undo how a completed step is undone
   * @param execution where its work runs
   * @param specType the record of its fields
   */
  record Definition<S extends StepSpec>(String name, Undo undo, Execution execution, Class<S> specType) {}

  Definition<S> definition();

  @Override
  default String name() {
    return definition().name();
  }

  @Override
  default Undo undo() {
    return definition().undo();
  }

  default Execution execution() {
    return definition().execution();
  }

  @Override
  default boolean heldByWorkflow() {
    return execution() == Execution.WORKFLOW;
  }

  default Class<S> specType() {
    return definition().specType();
  }

  @Override
  S read(StepFields fields);

  /**
   * Whether a soak may repeat it: a verification that changes nothing, whose apply can run any
   * number of times without being recorded as the step.
   */
  default boolean repeatable() {
    return false;
  }

  /**
   * Whether a person may accept its findings when it fails on them ({@code cutover accept}): a
   * verification, which changes nothing the phase would have to undo.
   */
  default boolean findingsAcceptable() {
    return repeatable();
  }

  /** The step's spec as this kind's record. */
  default S spec(PlanStep step) {
    return specType().cast(step.spec());
  }
}
