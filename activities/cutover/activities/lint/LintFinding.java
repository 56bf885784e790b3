package cutover.activities.lint;

/**
 * One thing {@code cutover plan lint} found.
 *
 * @param rule the rule's id, as {@code lint: {allow: [...]}} names it
 * @param step the step's id
 * @param rewrite the safe way to do it
 * @param acknowledged the step's {@code lint:} allows the rule
 * @param because the step's reason, when acknowledged
 */
public record LintFinding(String rule, Severity severity, String file, int line, int column, String step,
    String message, String rewrite, boolean acknowledged, String because) {

  /** {@code file:line:column: error [rule] message — rewrite}. */
  public String format() {
    return file + ":" + line + ":" + column + ": " + severity.word() + " [" + rule + "] " + message
        + (rewrite == null ? "" : " — " + rewrite)
        + (acknowledged ? " (acknowledged: " + because + ")" : "");
  }

  /** It stops a push or a start. */
  public boolean blocks() {
    return severity == Severity.ERROR && !acknowledged;
  }
}
