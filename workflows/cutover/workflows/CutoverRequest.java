package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a cutover is started, e.g. from the Temporal UI: {@code {"plan":"contract-templates","target":"demo"}}.
 * Unknown fields are ignored: a person typing a start input may add one.
 *
 * @param plan the name of a pushed plan
 * @param target the target's name, as configured on the worker; the plan's registry is in its ledger
 * @param version a plan hash (or prefix); the latest pushed version when omitted
 * @param resume the id of a run to continue (its completed steps are not applied again)
 * @param startedBy who started it; the CLI sends the operator's name
 * @param allowFixes checks may run their {@code fix:} SQL (`cutover start --allow-fixes`)
 * @param instant the run's instant T ({@code cutover start --instant}), an instant with its offset, e.g.
 *     {@code 2027-01-15T09:00:00Z}, that {@code until: T-7d} and {@code T+90d} count from; absent in older inputs
 * @param unreadable why the input as sent cannot be used (a field of the wrong type); null when it can
 */
public record CutoverRequest(String plan, String target, String version, String resume, String startedBy,
    boolean allowFixes, String instant, @JsonIgnore String unreadable) {
  static final String EXAMPLE = "{\"plan\":\"contract-templates\",\"target\":\"demo\"}";

  public CutoverRequest(String plan, String target, String version, String resume, String startedBy, boolean allowFixes,
      String instant) {
    this(plan, target, version, resume, startedBy, allowFixes, instant, null);
  }

  public CutoverRequest(String plan, String target, String version, String resume, String startedBy, boolean allowFixes) {
    this(plan, target, version, resume, startedBy, allowFixes, null, null);
  }

  public CutoverRequest(String plan, String target, String version, String resume, String startedBy) {
    this(plan, target, version, resume, startedBy, false);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static CutoverRequest read(JsonNode json) {
    SentFields sent = SentFields.of(json);
    return new CutoverRequest(sent.text("plan"), sent.text("target"), sent.text("version"), sent.text("resume"),
        sent.text("startedBy"), sent.bool("allowFixes"), sent.text("instant"), sent.unreadable("the Cutover input", EXAMPLE));
  }
}
