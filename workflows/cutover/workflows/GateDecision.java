package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The payload of the {@code approve}, {@code reject} and {@code skip} signals, e.g.
 * {@code {"gate":"go-no-go","by":"alice","comment":"parity is clean"}}.
 *
 * @param requestId optional; lets a client find its decision and the workflow's {@link SignalAnswer} in the status
 * @param unreadable why the payload as sent cannot be used (a field of the wrong type); null when it can
 */
public record GateDecision(String gate, String by, String comment, String requestId,
    @JsonIgnore String unreadable) implements SentPayload {
  static final String EXAMPLE = "{\"gate\":\"go-no-go\",\"by\":\"alice\",\"comment\":\"parity is clean\"}";

  public GateDecision(String gate, String by, String comment, String requestId) {
    this(gate, by, comment, requestId, null);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static GateDecision read(JsonNode json) {
    SentFields sent = SentFields.of(json);
    return new GateDecision(sent.text("gate"), sent.text("by"), sent.text("comment"), sent.text("requestId"),
        sent.unreadable("the payload", EXAMPLE));
  }
}
