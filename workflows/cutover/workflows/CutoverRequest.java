package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * How a cutover is started, e.g. from the Temporal UI: {@code {"plan":"contract-templates","target":"demo"}}.
 *
 * @param plan the name of a pushed plan
 * @param target the target's name, as configured on the worker; the plan's registry is in its ledger
 * @param version a plan hash (or prefix); the latest pushed version when omitted
 * @param resume the id of a run to continue (its completed steps are not applied again)
 * @param startedBy who started it; the CLI sends the operator's name
 * @param allowFixes checks may run their {@code fix:} SQL (`cutover start --allow-fixes`)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CutoverRequest(String plan, String target, String version, String resume, String startedBy,
    boolean allowFixes) {

  public CutoverRequest(String plan, String target, String version, String resume, String startedBy) {
    this(plan, target, version, resume, startedBy, false);
  }
}
