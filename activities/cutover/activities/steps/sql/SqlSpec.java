package cutover.activities.steps.sql;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepSpec;
import cutover.plan.schema.Required;
import java.time.Duration;

/** The fields of a {@code sql} step. */
@JsonClassDescription("Runs SQL in one transaction with SET LOCAL lock_timeout / statement_timeout; on a lock timeout "
    + "it retries with capped, jittered backoff. Needs compensate: or irreversible: true.")
public record SqlSpec(
    @Required
    @JsonPropertyDescription("The SQL to run, in one transaction.")
    String sql,
    @JsonProperty(defaultValue = SqlTimeouts.LOCK_TIMEOUT_DEFAULT)
    @JsonPropertyDescription(SqlTimeouts.LOCK_TIMEOUT_DESCRIPTION)
    Duration lockTimeout,
    @JsonProperty(defaultValue = SqlTimeouts.STATEMENT_TIMEOUT_DEFAULT)
    @JsonPropertyDescription(SqlTimeouts.STATEMENT_TIMEOUT_DESCRIPTION)
    Duration statementTimeout,
    @JsonProperty(defaultValue = SqlTimeouts.LOCK_RETRIES_DEFAULT)
    @JsonPropertyDescription(SqlTimeouts.LOCK_RETRIES_DESCRIPTION)
    Integer lockRetries) implements StepSpec, SqlTimeouts {

  public SqlSpec {
    lockTimeout = SqlTimeouts.lockTimeout(lockTimeout);
    statementTimeout = SqlTimeouts.statementTimeout(statementTimeout);
    lockRetries = SqlTimeouts.lockRetries(lockRetries);
  }

  public SqlSpec(String sql) {
    this(sql, null, null, null);
  }

  @Override
  public String kind() {
    return SqlStep.NAME;
  }
}
