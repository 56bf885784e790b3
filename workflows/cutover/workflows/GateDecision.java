package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The payload of the {@code approve} and {@code reject} signals, e.g.
 * {@code {"gate":"go-no-go","by":"alice","comment":"parity is clean"}}.
 *
 * @param requestId optional; lets a client find its decision and the workflow's {@link SignalAnswer} in the status
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GateDecision(String gate, String by, String comment, String requestId) {}
