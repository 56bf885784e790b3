package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * How one phase is started: by the {@code Cutover} workflow, or alone from the Temporal UI, e.g.
 * {@code {"plan":"contract-templates","target":"demo","phase":"introduce"}}. Unknown fields are ignored.
 *
 * @param run the cutover run this phase belongs to; when omitted the phase is a run of its own
 * @param pointOfNoReturn a step of an earlier phase after which rollback is refused, or null
 * @param allowFixes checks may run their {@code fix:} SQL
 * @param earlierFindings the findings of the run's earlier phases ({@link PhaseResult#findings}), which this
 *     phase's gates show before its own
 * @param instant the run's instant T, as the cutover was started with it, or null
 * @param unreadable why the input as sent cannot be used (a field of the wrong type); null when it can
 */
public record PhaseRequest(
    String plan, String target, String version, String phase, String run, String startedBy, String pointOfNoReturn,
    boolean allowFixes, List<String> earlierFindings, String instant, @JsonIgnore String unreadable) {
  static final String EXAMPLE = "{\"plan\":\"contract-templates\",\"target\":\"demo\",\"phase\":\"introduce\"}";

  public PhaseRequest {
    earlierFindings = earlierFindings == null ? List.of() : List.copyOf(earlierFindings);
  }

  public PhaseRequest(
      String plan, String target, String version, String phase, String run, String startedBy, String pointOfNoReturn,
      boolean allowFixes, List<String> earlierFindings, String instant) {
    this(plan, target, version, phase, run, startedBy, pointOfNoReturn, allowFixes, earlierFindings, instant, null);
  }

  public PhaseRequest(
      String plan, String target, String version, String phase, String run, String startedBy, String pointOfNoReturn,
      boolean allowFixes, List<String> earlierFindings) {
    this(plan, target, version, phase, run, startedBy, pointOfNoReturn, allowFixes, earlierFindings, null, null);
  }

  public PhaseRequest(
      String plan, String target, String version, String phase, String run, String startedBy, String pointOfNoReturn,
      boolean allowFixes) {
    this(plan, target, version, phase, run, startedBy, pointOfNoReturn, allowFixes, List.of(), null, null);
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
        sent.texts("earlierFindings"), sent.text("instant"), sent.unreadable("the CutoverPhase input", EXAMPLE));
  }
}
