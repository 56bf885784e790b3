package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The payload of the {@code tune} signal: changes a running backfill within one batch, e.g.
 * {@code {"by":"alice","batchSize":5000,"rate":20000}}.
 *
 * @param batchSize rows per batch from now on; 0 lets the size adapt to the batch time again;
 *     null leaves it
 * @param rate rows per second for the whole step; 0 removes the cap; null leaves it
 * @param requestId optional; lets a client find the workflow's {@link SignalAnswer} in the status
 * @param unreadable why the payload as sent cannot be used (a field of the wrong type); null when it can
 */
public record Tuning(String by, String reason, Integer batchSize, Long rate, String requestId,
    @JsonIgnore String unreadable) implements SentPayload {
  static final String EXAMPLE = "{\"by\":\"alice\",\"batchSize\":5000,\"rate\":20000}";

  public Tuning(String by, String reason, Integer batchSize, Long rate, String requestId) {
    this(by, reason, batchSize, rate, requestId, null);
  }

  public Tuning(String by, String reason, Integer batchSize, Long rate) {
    this(by, reason, batchSize, rate, null);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static Tuning read(JsonNode json) {
    SentFields sent = SentFields.of(json);
    return new Tuning(sent.text("by"), sent.text("reason"), sent.integer("batchSize"), sent.longInteger("rate"),
        sent.text("requestId"), sent.unreadable("the payload", EXAMPLE));
  }
}
