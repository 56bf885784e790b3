package cutover.activities;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A rehearsal of a pushed plan's SQL on a target, in a transaction rolled back at the end.
 *
 * @param version a plan hash or prefix; null for the latest pushed
 * @param phase the one phase to rehearse; null for every phase, in order, in the one transaction
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RehearsalRequest(String plan, String version, String target, String phase, String requestedBy) {}
