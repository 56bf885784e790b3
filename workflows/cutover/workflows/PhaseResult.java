package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * @param attempted steps whose apply was started, in order: what a rollback must look at
 * @param pointOfNoReturn the completed point-of-no-return step, or null
 * @param findings the outcomes of the phase's completed steps, as {@code ApprovalEvidence} lines: what later
 *     gates show and signed approvals sign
 * @param waveKeys a wave phase's keys touched, in the order they started: what a rollback of the cutover
 *     undoes there (its steps are not in {@code attempted}); null for a phase without waves
 */
public record PhaseResult(String phase, RunState state, List<StepView> steps, List<String> attempted, String pointOfNoReturn,
    List<String> findings, @JsonInclude(JsonInclude.Include.NON_NULL) List<String> waveKeys) {

  public PhaseResult {
    findings = findings == null ? List.of() : List.copyOf(findings); // results of phases run before findings existed
  }

  public PhaseResult(String phase, RunState state, List<StepView> steps, List<String> attempted, String pointOfNoReturn,
      List<String> findings) {
    this(phase, state, steps, attempted, pointOfNoReturn, findings, null);
  }
}
