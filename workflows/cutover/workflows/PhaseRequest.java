package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * How one phase is started: by the {@code Cutover} workflow, or alone from the Temporal UI, e.g.
 * {@code {"plan":"contract-templates","target":"demo","phase":"introduce"}}.
 *
 * @param run the cutover run this phase belongs to; when omitted the phase is a run of its own
 * @param pointOfNoReturn a step of an earlier phase after which rollback is refused, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PhaseRequest(
    String plan, String target, String version, String phase, String run, String startedBy, String pointOfNoReturn) {}
