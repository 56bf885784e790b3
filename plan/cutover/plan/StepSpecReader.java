package cutover.plan;

/** What the parser needs of a step kind: its name, how it is undone, and how to read its fields. */
public interface StepSpecReader {

  /** The name used as {@code kind:} in plans. */
  String name();

  Undo undo();

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
