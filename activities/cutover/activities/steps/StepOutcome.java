package cutover.activities.steps;

/** What a step did, in words for people and a row count where one applies. */
public record StepOutcome(String summary, Long rows) {

  public static StepOutcome of(String summary) {
    return new StepOutcome(summary, null);
  }

  /** "1 row", "3 rows". */
  public static String rows(long count) {
    return count + (count == 1 ? " row" : " rows");
  }
}
