package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * How one phase is started: by the {@code Cutover} workflow, or alone from the Temporal UI, e.g.
 * {@code {"plan":"contract-templates","target":"demo","phase":"introduce"}}.
 *
 * @param run the cutover run this phase belongs to; when omitted the phase is a run of its own
 * @param pointOfNoReturn a step of an earlier phase after which rollback is refused, or null
 * @param allowFixes checks may run their {@code fix:} SQL
 * @param earlierFindings the findings of the run's earlier phases ({@link PhaseResult#findings}), which this
 *     phase's gates show before its own
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PhaseRequest(
    String plan, String target, String version, String phase, String run, String startedBy, String pointOfNoReturn,
    boolean allowFixes, List<String> earlierFindings) {

  public PhaseRequest {
    earlierFindings = earlierFindings == null ? List.of() : List.copyOf(earlierFindings);
  }

  public PhaseRequest(
      String plan, String target, String version, String phase, String run, String startedBy, String pointOfNoReturn,
      boolean allowFixes) {
    this(plan, target, version, phase, run, startedBy, pointOfNoReturn, allowFixes, null);
  }

  public PhaseRequest(
      String plan, String target, String version, String phase, String run, String startedBy, String pointOfNoReturn) {
    this(plan, target, version, phase, run, startedBy, pointOfNoReturn, false);
  }
}
