package cutover.plan;

/** What the parser needs of a step kind: its name, how it is undone, and how to read its fields. */
public interface StepSpecReader {

  /** The name used as {@code kind:} in plans. */
  String name();

  Undo undo();

  /**
   * How a step of this kind with these fields is undone: the kind's {@link #undo()} unless its
   * fields decide (a check undoes nothing unless it has a fix).
   */
  default Undo undo(StepSpec spec) {
    return undo();
  }

  /**
   * Reports, through {@code fields}, a step whose fields leave its undo unsaid (everything
   * reversible or declared not). Called for a plan's steps, after {@link #read}; not for a
   * verification a soak repeats, which never changes anything.
   */
  default void checkUndo(StepFields fields, StepSpec spec) {}

  /**
   * Reads the kind's own fields; reading a field declares it known. Every problem is reported
   * through {@code fields} at its position; the result is then not used.
   */
  StepSpec read(StepFields fields);

  /** Whether the phase workflow holds steps of this kind itself (a gate), rather than applying them. */
  default boolean heldByWorkflow() {
    return false;
  }
}
