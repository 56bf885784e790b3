package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The payload of the {@code retry}, {@code rollback}, {@code pause} and {@code resume} signals, e.g.
 * {@code {"by":"alice","reason":"parity drifted"}}.
 *
 * @param requestId optional; lets a client find the workflow's {@link SignalAnswer} in the status
 * @param unreadable why the payload as sent cannot be used (a field of the wrong type); null when it can
 */
public record OperatorAction(String by, String reason, String requestId,
    @JsonIgnore String unreadable) implements SentPayload {
  static final String EXAMPLE = "{\"by\":\"alice\",\"reason\":\"parity drifted\"}";

  public OperatorAction(String by, String reason, String requestId) {
    this(by, reason, requestId, null);
  }

  public OperatorAction(String by, String reason) {
    this(by, reason, null);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static OperatorAction read(JsonNode json) {
    SentFields sent = SentFields.of(json);
    return new OperatorAction(sent.text("by"), sent.text("reason"), sent.text("requestId"),
        sent.unreadable("the payload", EXAMPLE));
  }
}
