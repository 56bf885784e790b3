package cutover.activities;

import static cutover.db.Tables.STEP_REPORT;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import org.jooq.DSLContext;

/** The one writer of {@code cutover.step_report}: the findings of verification steps, one row per attempt. */
public final class StepReports {
  /** A verification's findings; iteration is a soak's repeat number, else null. */
  public record StoredReport(
      String runId, String stepId, String kind, Integer iteration, boolean passed, String summary, String report,
      OffsetDateTime createdAt) {}

  private final DSLContext sql;

  public StepReports(DSLContext sql) {
    this.sql = Objects.requireNonNull(sql, "sql");
  }

  public void insertReport(StoredReport report) {
    sql.insertInto(STEP_REPORT)
        .set(STEP_REPORT.RUN_ID, report.runId())
        .set(STEP_REPORT.STEP_ID, report.stepId())
        .set(STEP_REPORT.KIND, report.kind())
        .set(STEP_REPORT.ITERATION, report.iteration())
        .set(STEP_REPORT.PASSED, report.passed())
        .set(STEP_REPORT.SUMMARY, report.summary())
        .set(STEP_REPORT.REPORT, report.report())
        .execute();
  }

  /** The run's verification reports in the order they were written. */
  public List<StoredReport> reports(String runId) {
    return sql.selectFrom(STEP_REPORT).where(STEP_REPORT.RUN_ID.eq(runId)).orderBy(STEP_REPORT.ID)
        .fetch(r -> new StoredReport(r.get(STEP_REPORT.RUN_ID), r.get(STEP_REPORT.STEP_ID), r.get(STEP_REPORT.KIND),
            r.get(STEP_REPORT.ITERATION), r.get(STEP_REPORT.PASSED), r.get(STEP_REPORT.SUMMARY),
            r.get(STEP_REPORT.REPORT), r.get(STEP_REPORT.CREATED_AT)));
  }
}
