package cutover.plan;

/**
 * One thing wrong with a plan, where it is and how to fix it. Lines and columns are 1-based.
 */
public record PlanProblem(String file, int line, int column, String message, String fix) {

  /** {@code file:line:column: message (fix)}, the form editors and CI logs understand. */
  public String format() {
    return file + ":" + line + ":" + column + ": " + message + (fix == null ? "" : " — " + fix);
  }
}
