package cutover.activities.steps.sql;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepSpec;
import cutover.plan.schema.Required;

/** The fields of a {@code sql} step. */
@JsonClassDescription("Runs SQL in one transaction with SET LOCAL lock_timeout / statement_timeout; on a lock timeout "
    + "it retries with capped, jittered backoff for up to lockRetryFor. Needs compensate: or irreversible: true.")
public record SqlSpec(
    @Required
    @JsonPropertyDescription("The SQL to run, in one transaction.")
    String sql,
    @JsonUnwrapped
    SqlTimeouts timeouts) implements StepSpec, SqlTimeouts.Given {

  public SqlSpec {
    timeouts = timeouts == null ? SqlTimeouts.DEFAULTS : timeouts;
  }

  public SqlSpec(String sql) {
    this(sql, null);
  }

  @Override
  public String kind() {
    return SqlStep.NAME;
  }
}
