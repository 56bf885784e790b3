package cutover.activities;

/**
 * How far one part of a batched step (a backfill) has come: what its heartbeats carry, so the
 * Temporal UI's pending-activity details and {@code cutover status} show it. Counts and rates
 * only: never key values, which are the application's data.
 *
 * @param part this part's number, from 0
 * @param parts how many parts the step has
 * @param rowsDone rows written by this part so far (all its attempts)
 * @param rowsEstimate the planner's estimate of this part's rows when the step started, or null
 * @param rowsPerSecond this attempt's rate
 * @param etaSeconds seconds left at this rate, or null when unknown
 * @param batchSize rows in the next batch
 * @param batches batches committed by this part (all its attempts)
 * @param state running, paused, throttled or done
 * @param note why it is paused or throttled, who paused or tuned it; or null
 */
public record StepProgress(
    String stepId,
    StepAction action,
    int part,
    int parts,
    long rowsDone,
    Long rowsEstimate,
    double rowsPerSecond,
    Long etaSeconds,
    int batchSize,
    long batches,
    String state,
    String note) {

  /** "1,234,567 / ~2,000,000 rows (62%) · 151,000 rows/s · ETA 5s · batch 40,000" */
  public String describe() {
    StringBuilder text = new StringBuilder(String.format(java.util.Locale.ROOT, "%,d", rowsDone));
    if (rowsEstimate != null && rowsEstimate > 0) {
      text.append(String.format(java.util.Locale.ROOT, " / ~%,d rows (%d%%)", rowsEstimate,
          Math.min(100, Math.round(100.0 * rowsDone / rowsEstimate))));
    } else {
      text.append(" rows");
    }
    text.append(String.format(java.util.Locale.ROOT, " · %,.0f rows/s", rowsPerSecond));
    if (etaSeconds != null) {
      text.append(" · ETA ").append(duration(etaSeconds));
    }
    text.append(String.format(java.util.Locale.ROOT, " · batch %,d", batchSize));
    if (!"running".equals(state)) {
      text.append(" · ").append(state);
    }
    if (note != null && !note.isBlank()) {
      text.append(" (").append(note).append(')');
    }
    return text.toString();
  }

  static String duration(long seconds) {
    if (seconds < 120) {
      return seconds + "s";
    }
    if (seconds < 7200) {
      return (seconds / 60) + "m" + (seconds % 60 == 0 ? "" : " " + (seconds % 60) + "s");
    }
    return (seconds / 3600) + "h " + (seconds % 3600 / 60) + "m";
  }
}
