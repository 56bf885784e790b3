package cutover.activities;

import static cutover.db.Tables.RUN_EVENT;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jooq.DSLContext;

/** The one writer of {@code cutover.run_event}: operator actions and state changes of a run. */
public final class RunEvents {
  private final DSLContext sql;

  public RunEvents(DSLContext sql) {
    this.sql = Objects.requireNonNull(sql, "sql");
  }

  /** @return false when an event with this key was already recorded for the run */
  public boolean insertEvent(RunEvent event) {
    return sql.insertInto(RUN_EVENT)
        .set(RUN_EVENT.RUN_ID, event.runId())
        .set(RUN_EVENT.EVENT_KEY, event.eventKey())
        .set(RUN_EVENT.KIND, event.kind())
        .set(RUN_EVENT.STEP_ID, event.stepId())
        .set(RUN_EVENT.ACTOR, event.actor())
        .set(RUN_EVENT.DETAIL, event.detail())
        .onConflict(RUN_EVENT.RUN_ID, RUN_EVENT.EVENT_KEY)
        .doNothing()
        .execute() == 1;
  }

  /**
   * A step's {@code lock_waited} event: its detail names the blocking sessions (it may be shown
   * anywhere, Temporal included); their SQL goes into {@code blocker_sql}, which nothing reads back.
   *
   * @return false when an event with this key was already recorded for the run
   */
  public boolean insertLockWaited(RunEvent event, String blockerSql) {
    return sql.insertInto(RUN_EVENT)
        .set(RUN_EVENT.RUN_ID, event.runId())
        .set(RUN_EVENT.EVENT_KEY, event.eventKey())
        .set(RUN_EVENT.KIND, event.kind())
        .set(RUN_EVENT.STEP_ID, event.stepId())
        .set(RUN_EVENT.ACTOR, event.actor())
        .set(RUN_EVENT.DETAIL, event.detail())
        .set(RUN_EVENT.BLOCKER_SQL, blockerSql)
        .onConflict(RUN_EVENT.RUN_ID, RUN_EVENT.EVENT_KEY)
        .doNothing()
        .execute() == 1;
  }

  /** The run's events in the order they were recorded. */
  public List<RunEvent> events(String target, String runId) {
    return sql.selectFrom(RUN_EVENT).where(RUN_EVENT.RUN_ID.eq(runId)).orderBy(RUN_EVENT.ID)
        .fetch(e -> new RunEvent(target, e.getRunId(), e.getEventKey(), e.getKind(), e.getStepId(), e.getActor(),
            e.getDetail()));
  }

  /** A run's events with the time each was recorded. */
  public List<Map.Entry<RunEvent, OffsetDateTime>> timedEvents(String target, String runId) {
    return sql.selectFrom(RUN_EVENT).where(RUN_EVENT.RUN_ID.eq(runId)).orderBy(RUN_EVENT.ID)
        .fetch(e -> Map.entry(new RunEvent(target, e.getRunId(), e.getEventKey(), e.getKind(), e.getStepId(),
            e.getActor(), e.getDetail()), e.getAt()));
  }
}
