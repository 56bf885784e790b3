package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The payload of the {@code retry}, {@code rollback}, {@code pause} and {@code resume} signals.
 *
 * @param requestId optional; lets a client find the workflow's {@link SignalAnswer} in the status
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OperatorAction(String by, String reason, String requestId) {

  public OperatorAction(String by, String reason) {
    this(by, reason, null);
  }
}
