package cutover.workflows;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The payload of the {@code tune} signal: changes a running backfill within one batch, e.g.
 * {@code {"by":"alice","batchSize":5000,"rate":20000}}.
 *
 * @param batchSize rows per batch from now on; 0 lets the size adapt to the batch time again;
 *     null leaves it
 * @param rate rows per second for the whole step; 0 removes the cap; null leaves it
 * @param requestId optional; lets a client find the workflow's {@link SignalAnswer} in the status
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Tuning(String by, String reason, Integer batchSize, Long rate, String requestId) {

  public Tuning(String by, String reason, Integer batchSize, Long rate) {
    this(by, reason, batchSize, rate, null);
  }
}
