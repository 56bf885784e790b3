package cutover.activities.steps.freeze;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import cutover.activities.steps.SqlTimeouts;
import cutover.plan.StepSpec;
import cutover.plan.schema.ExactlyOneOf;
import java.time.Duration;
import java.util.List;

/**
 * The fields of a {@code freeze} step: what is frozen (tables, optionally only the rows a
 * predicate matches, or a role), why, and what happens to the sessions that still write.
 *
 * @param tables the tables whose writes are refused ({@code table} or {@code schema.table})
 * @param where plan SQL: only rows matching it are frozen (a tenant's), or null for every row
 * @param role the application role whose transactions become read-only in the target's database
 * @param reason shown in the refusal every writer gets, or null
 * @param grace how long open writing transactions are waited for
 * @param terminate end the sessions still writing after the grace, instead of failing
 */
@JsonClassDescription("Blocks writes in the database itself until its unfreeze step (kind: unfreeze, of: <this id>) "
    + "or a rollback: for tables, a trigger refusing INSERT/UPDATE/DELETE/TRUNCATE with a readable error; for a role, "
    + "default_transaction_read_only in this database. Writing transactions are waited out for grace:, then ended "
    + "(terminate: true) or named in the step's failure.")
@ExactlyOneOf({"tables", "role"})
public record FreezeSpec(
    @JsonPropertyDescription("The tables whose writes are refused, table or schema.table.")
    List<String> tables,
    @JsonPropertyDescription("Freeze only the rows this SQL condition matches (run as written, against the old and the "
        + "new row), e.g. \"tenant = 'acme'\"; with tables: only. A TRUNCATE is refused whatever it matches.")
    String where,
    @JsonPropertyDescription("The application role whose transactions become read-only in the target's database; its "
        + "sessions opened before the freeze are ended (terminate: true) or waited for.")
    String role,
    @JsonPropertyDescription("Why, in the refusal every blocked writer gets; at most 200 characters.")
    String reason,
    @JsonProperty(defaultValue = "30s")
    @JsonPropertyDescription("How long transactions that still write (for a role: its sessions) are waited for before "
        + "they are ended or the step fails naming them; at most 1h.")
    Duration grace,
    @JsonProperty(defaultValue = "false")
    @JsonPropertyDescription("End (pg_terminate_backend) what is still writing after grace:, instead of failing.")
    Boolean terminate,
    @JsonUnwrapped
    SqlTimeouts timeouts) implements StepSpec, SqlTimeouts.Given {
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
  public static final Duration LONGEST_GRACE = Duration.ofHours(1);

  public FreezeSpec {
    tables = tables == null ? List.of() : List.copyOf(tables);
    grace = grace == null ? DEFAULT_GRACE : grace;
    terminate = terminate != null && terminate;
    timeouts = timeouts == null ? SqlTimeouts.DEFAULTS : timeouts;
  }

  /** What the step freezes. */
  public FreezeScope scope() {
    return role != null ? FreezeScope.ROLE : FreezeScope.TABLE;
  }

  @Override
  public String kind() {
    return FreezeStep.NAME;
  }
}
