package cutover.workflows;

import java.util.List;

/**
 * @param attempted steps whose apply was started, in order: what a rollback must look at
 * @param pointOfNoReturn the completed point-of-no-return step, or null
 * @param findings the outcomes of the phase's completed steps, as {@code ApprovalEvidence} lines: what later
 *     gates show and signed approvals sign
 */
public record PhaseResult(String phase, RunState state, List<StepView> steps, List<String> attempted, String pointOfNoReturn,
    List<String> findings) {

  public PhaseResult {
    findings = findings == null ? List.of() : List.copyOf(findings); // results of phases run before findings existed
  }
}
