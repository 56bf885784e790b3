package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * How one phase is started: by the {@code Cutover} workflow, or alone from the Temporal UI, e.g.
 * {@code {"plan":"contract-templates","target":"demo","phase":"introduce"}}. Unknown fields are ignored.
 *
 * @param run the cutover run this phase belongs to; when omitted the phase is a run of its own
 * @param pointOfNoReturn a step of an earlier phase after which rollback is refused, or null
 * @param allowFixes checks may run their {@code fix:} SQL
 * @param unreadable why the input as sent cannot be used (a field of the wrong type); null when it can
 */
public record PhaseRequest(
    String plan, String target, String version, String phase, String run, String startedBy, String pointOfNoReturn,
    boolean allowFixes, @JsonIgnore String unreadable) {
  static final String EXAMPLE = "{\"plan\":\"contract-templates\",\"target\":\"demo\",\"phase\":\"introduce\"}";

  public PhaseRequest(
      String plan, String target, String version, String phase, String run, String startedBy, String pointOfNoReturn,
      boolean allowFixes) {
    this(plan, target, version, phase, run, startedBy, pointOfNoReturn, allowFixes, null);
  }

  public PhaseRequest(
      String plan, String target, String version, String phase, String run, String startedBy, String pointOfNoReturn) {
    this(plan, target, version, phase, run, startedBy, pointOfNoReturn, false);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static PhaseRequest read(JsonNode json) {
    SentFields sent = SentFields.of(json);
    return new PhaseRequest(sent.text("plan"), sent.text("target"), sent.text("version"), sent.text("phase"),
        sent.text("run"), sent.text("startedBy"), sent.text("pointOfNoReturn"), sent.bool("allowFixes"),
        sent.unreadable("the CutoverPhase input", EXAMPLE));
  }
}
