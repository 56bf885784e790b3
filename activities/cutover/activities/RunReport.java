package cutover.activities;

import cutover.plan.Plan;
import java.util.List;

/**
 * Everything the ledger knows about one run, for {@code cutover report}: the plan as pushed, the
 * applied and compensated steps with their times, decisions (accepted and refused), operator
 * events, and the findings of verification steps. Times are ISO-8601 instants.
 */
public record RunReport(
    String runId,
    String target,
    String planName,
    String planHash,
    String planSource,
    Plan plan,
    String state,
    String startedBy,
    String startedAt,
    String endedAt,
    String detail,
    List<StepRow> steps,
    List<DecisionRow> decisions,
    List<EventRow> events,
    List<FindingRow> findings,
    int soakChecksOmitted) {

  /** A step applied or compensated. */
  public record StepRow(String stepId, String action, String phase, String kind, String outcome, Long rows, int attempts,
      String startedAt, String finishedAt) {}

  /** @param signed the worker verified the decider's signature: {@code by} is its key's principal */
  public record DecisionRow(String stepId, String decision, String by, String comment, boolean accepted, String refusal,
      String at, boolean signed) {

    public DecisionRow(String stepId, String decision, String by, String comment, boolean accepted, String refusal,
        String at) {
      this(stepId, decision, by, comment, accepted, refusal, at, false);
    }
  }

  public record EventRow(String kind, String stepId, String actor, String detail, String at) {}

  /** A verification's report; {@code report} is its JSON. */
  public record FindingRow(String stepId, String kind, Integer iteration, boolean passed, String summary, String report,
      String at) {}
}
