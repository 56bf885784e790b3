package cutover.activities;

/**
 * An operator's tune of a batched step: the run event people read (kind {@code tune}, the step,
 * who, and a detail such as {@code batchSize=5000; peak traffic}) and the values the step's parts
 * obey. The values merge into what was tuned before: a null keeps it.
 *
 * @param batchSize rows per batch, 0 to adapt to the batch time again, null to keep the current one
 * @param rate rows per second for the whole step, 0 for no cap, null to keep the current one
 */
public record TuneRecord(RunEvent event, Integer batchSize, Long rate) {

  /** The values as a tune event's detail shows them to people: {@code batchSize=N rate=R}, each only when given. */
  public static String describe(Integer batchSize, Long rate) {
    StringBuilder text = new StringBuilder();
    if (batchSize != null) {
      text.append("batchSize=").append(batchSize);
    }
    if (rate != null) {
      text.append(text.isEmpty() ? "" : " ").append("rate=").append(rate);
    }
    return text.toString();
  }
}
