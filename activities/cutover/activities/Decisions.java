package cutover.activities;

import static cutover.db.Tables.DECISION;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** The one writer of {@code cutover.decision}: decisions at gates, accepted or refused, with who and why. */
public final class Decisions {
  private final DSLContext sql;

  public Decisions(DSLContext sql) {
    this.sql = Objects.requireNonNull(sql, "sql");
  }

  /** @return false when a decision with this signal id was already recorded */
  public boolean insertDecision(DecisionRecord decision) {
    return sql.insertInto(DECISION)
        .set(DECISION.RUN_ID, decision.runId())
        .set(DECISION.STEP_ID, decision.stepId())
        .set(DECISION.DECISION_, decision.decision())
        .set(DECISION.DECIDED_BY, decision.decidedBy())
        .set(DECISION.COMMENT, decision.comment())
        .set(DECISION.ACCEPTED, decision.accepted())
        .set(DECISION.REFUSAL, decision.refusal())
        .set(DECISION.SIGNAL_ID, decision.signalId())
        .set(DECISION.SIGNED, decision.signed())
        .set(DECISION.PLAN_HASH, decision.planHash())
        .set(DECISION.FINDINGS_DIGEST, decision.findingsDigest())
        .set(DECISION.SIGNATURE, decision.signature())
        .set(DECISION.DECIDED_AT, decision.decidedAtMillis() > 0
            ? DSL.val(OffsetDateTime.ofInstant(Instant.ofEpochMilli(decision.decidedAtMillis()), ZoneOffset.UTC))
            : DSL.currentOffsetDateTime())
        .onConflict(DECISION.RUN_ID, DECISION.SIGNAL_ID)
        .doNothing()
        .execute() == 1;
  }

  /** The accepted decisions at a gate, in the order they were made. */
  public List<DecisionRecord> acceptedDecisions(String target, String runId, String stepId) {
    return sql.selectFrom(DECISION)
        .where(DECISION.RUN_ID.eq(runId), DECISION.STEP_ID.eq(stepId), DECISION.ACCEPTED.isTrue())
        .orderBy(DECISION.DECIDED_AT, DECISION.ID)
        .fetch(d -> record(target, d));
  }

  private static DecisionRecord record(String target, cutover.db.tables.records.DecisionRecord d) {
    return new DecisionRecord(target, d.getRunId(), d.getStepId(), d.getDecision(), d.getDecidedBy(), d.getComment(),
        d.getAccepted(), d.getRefusal(), d.getSignalId(), d.getDecidedAt().toInstant().toEpochMilli(),
        Boolean.TRUE.equals(d.getSigned()), d.getPlanHash(), d.getFindingsDigest(), d.getSignature());
  }

  /** Every decision of the run, accepted or refused, in the order made. */
  public List<DecisionRecord> decisions(String target, String runId) {
    return sql.selectFrom(DECISION)
        .where(DECISION.RUN_ID.eq(runId))
        .orderBy(DECISION.DECIDED_AT, DECISION.ID)
        .fetch(d -> record(target, d));
  }
}
