package cutover.plan;

import java.util.List;

/**
 * A step's {@code lint: {allow: [rule-id], because: "…"}}: the lint rules the plan's authors
 * acknowledge for this step, and why. A finding of an allowed rule is reported as acknowledged
 * and no longer stops a push or a start.
 *
 * @param allow rule ids, as {@code cutover plan lint} names them
 * @param because the reason, for reviewers
 */
public record LintAllowance(List<String> allow, String because) {

  public LintAllowance {
    allow = allow == null ? List.of() : List.copyOf(allow);
  }

  public boolean allows(String rule) {
    return allow.contains(rule);
  }
}
