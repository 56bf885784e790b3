package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The payload of the {@code accept} signal: a person accepts the findings of the failed
 * verification the phase waits on, e.g. {@code {"step":"no-orphans","by":"alice","reason":"known, ticket OPS-12"}}.
 *
 * @param step the failed step's id
 * @param reason why the findings are acceptable; required, recorded in the ledger and shown by status and the report
 * @param requestId optional; lets a client find the workflow's {@link SignalAnswer} in the status
 * @param unreadable why the payload as sent cannot be used (a field of the wrong type); null when it can
 */
public record Acceptance(String step, String by, String reason, String requestId,
    @JsonIgnore String unreadable) implements SentPayload {
  static final String EXAMPLE = "{\"step\":\"no-orphans\",\"by\":\"alice\",\"reason\":\"known, ticket OPS-12\"}";

  public Acceptance(String step, String by, String reason, String requestId) {
    this(step, by, reason, requestId, null);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static Acceptance read(JsonNode json) {
    SentFields sent = SentFields.of(json);
    return new Acceptance(sent.text("step"), sent.text("by"), sent.text("reason"), sent.text("requestId"),
        sent.unreadable("the payload", EXAMPLE));
  }
}
