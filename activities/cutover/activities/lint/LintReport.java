package cutover.activities.lint;

import java.util.List;

/**
 * What {@code cutover plan lint} found in a plan, in plan order; the shape of its
 * {@code --output json} (the README documents it).
 */
public record LintReport(String file, List<LintFinding> findings) {

  /** Errors no step acknowledges: they stop a push or a start. */
  public List<LintFinding> blocking() {
    return findings.stream().filter(LintFinding::blocks).toList();
  }

  public long errors() {
    return findings.stream().filter(f -> f.severity() == Severity.ERROR && !f.acknowledged()).count();
  }

  public long warnings() {
    return findings.stream().filter(f -> f.severity() == Severity.WARNING && !f.acknowledged()).count();
  }

  public long acknowledged() {
    return findings.stream().filter(LintFinding::acknowledged).count();
  }
}
