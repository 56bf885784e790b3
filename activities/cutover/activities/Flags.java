package cutover.activities;

import static cutover.db.Tables.FLAG;
import static cutover.db.Tables.FLAG_CHANGE;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The one writer of {@code cutover.flag} and {@code cutover.flag_change}: the flags applications
 * read, and what each flag step changed so its compensation can restore it.
 */
public final class Flags {
  /** What a flag step changed: previousValue null when the flag was not set before. */
  public record FlagChange(String name, String tenant, String previousValue, String newValue) {}

  private final DSLContext sql;

  public Flags(DSLContext sql) {
    this.sql = Objects.requireNonNull(sql, "sql");
  }

  /** A flag's current value, locked until the transaction ends; empty when the flag is not set. */
  public Optional<String> flagForUpdate(String name, String tenant) {
    return sql.select(FLAG.VALUE).from(FLAG).where(FLAG.NAME.eq(name), FLAG.TENANT.eq(tenant)).forUpdate()
        .fetchOptional(FLAG.VALUE);
  }

  /** Sets a flag and announces it on channel {@code cutover_flag} (delivered when the transaction commits). */
  public void setFlag(String name, String tenant, String value, String by) {
    sql.insertInto(FLAG)
        .set(FLAG.NAME, name)
        .set(FLAG.TENANT, tenant)
        .set(FLAG.VALUE, value)
        .set(FLAG.UPDATED_BY, by)
        .onConflict(FLAG.NAME, FLAG.TENANT)
        .doUpdate()
        .set(FLAG.VALUE, value)
        .set(FLAG.UPDATED_BY, by)
        .set(FLAG.UPDATED_AT, DSL.currentOffsetDateTime())
        .execute();
    notifyFlag(name);
  }

  public void removeFlag(String name, String tenant) {
    sql.deleteFrom(FLAG).where(FLAG.NAME.eq(name), FLAG.TENANT.eq(tenant)).execute();
    notifyFlag(name);
  }

  private void notifyFlag(String name) {
    sql.select(DSL.function(DSL.name("pg_notify"), SQLDataType.OTHER, DSL.inline("cutover_flag"), DSL.val(name)))
        .fetch();
  }

  public void insertFlagChange(String runId, String stepId, FlagChange change) {
    sql.insertInto(FLAG_CHANGE)
        .set(FLAG_CHANGE.RUN_ID, runId)
        .set(FLAG_CHANGE.STEP_ID, stepId)
        .set(FLAG_CHANGE.NAME, change.name())
        .set(FLAG_CHANGE.TENANT, change.tenant())
        .set(FLAG_CHANGE.PREVIOUS_VALUE, change.previousValue())
        .set(FLAG_CHANGE.NEW_VALUE, change.newValue())
        .execute();
  }

  public List<FlagChange> flagChanges(String runId, String stepId) {
    return sql.selectFrom(FLAG_CHANGE)
        .where(FLAG_CHANGE.RUN_ID.eq(runId), FLAG_CHANGE.STEP_ID.eq(stepId))
        .orderBy(FLAG_CHANGE.NAME, FLAG_CHANGE.TENANT)
        .fetch(c -> new FlagChange(c.get(FLAG_CHANGE.NAME), c.get(FLAG_CHANGE.TENANT), c.get(FLAG_CHANGE.PREVIOUS_VALUE),
            c.get(FLAG_CHANGE.NEW_VALUE)));
  }
}
