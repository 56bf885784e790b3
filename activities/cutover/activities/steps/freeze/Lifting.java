package cutover.activities.steps.freeze;

import cutover.activities.steps.Json;
import cutover.activities.steps.StepEnvironment;
import cutover.activities.steps.StepOutcome;
import cutover.activities.steps.freeze.FrozenWrites.Block;
import cutover.activities.steps.freeze.WriterSessions.Settled;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jooq.DSLContext;

/**
 * Lifts the blocks of a freeze step, for its unfreeze step and for a rollback alike. Each block
 * is lifted with its row marked, in one transaction of its own (committed before any session is
 * ended: a session that reconnects must find the role writable). A role's sessions opened during
 * the freeze stay read-only until they reconnect: when the freeze said {@code terminate: true}
 * they are ended, the idle ones at once and the others after the freeze's grace.
 */
final class Lifting {
  /** What a lift did: the blocks lifted now, those lifted before, and the read-only sessions dealt with. */
  record Lifted(List<Block> now, List<Block> before, Settled settled, int leftReadOnly) {
    StepOutcome outcome(String freezeStepId) {
      if (now.isEmpty() && before.isEmpty()) {
        return new StepOutcome("step '" + freezeStepId + "' froze nothing in this run: nothing to lift", 0L);
      }
      List<String> parts = new ArrayList<>();
      if (!now.isEmpty()) {
        parts.add("lifted the freeze of " + String.join(", ", now.stream().map(Lifting::describe).toList()));
      }
      if (!before.isEmpty()) {
        parts.add("already lifted: " + String.join(", ", before.stream()
            .map(b -> describe(b) + " (by " + b.liftedBy() + ")").toList()));
      }
      String sessions = settled.describe("read-only session");
      if (!sessions.isEmpty()) {
        parts.add(sessions);
      }
      if (leftReadOnly > 0) {
        parts.add(WriterSessions.count(leftReadOnly, "session") + " opened during the freeze stay read-only until they"
            + " reconnect (the freeze has terminate: false)");
      }
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("lifted", now.stream().map(Block::frozen).toList());
      report.put("liftedBefore", before.stream().map(Block::frozen).toList());
      report.put("sessions", settled.report());
      report.put("leftReadOnly", leftReadOnly);
      return StepOutcome.passed(String.join("; ", parts), (long) now.size(), Json.write(report));
    }
  }

  private Lifting() {}

  static Lifted lift(StepEnvironment environment, String runId, String freezeStepId, String by) {
    List<Block> before = new ArrayList<>();
    List<Block> now = environment.inTransaction(tx -> {
      FrozenWrites ledger = new FrozenWrites(tx);
      List<Block> lifted = new ArrayList<>();
      for (Block block : ledger.blocksForUpdate(runId, freezeStepId)) {
        (ledger.lift(runId, freezeStepId, block, by) ? lifted : before).add(block);
      }
      return lifted;
    });
    Settled settled = Settled.NONE;
    int leftReadOnly = 0;
    for (Block block : now) {
      if (block.scope() != FreezeScope.ROLE) {
        continue;
      }
      OffsetDateTime lifted = environment.look(WriterSessions::now);
      Function<DSLContext, List<WriterSessions.Found>> readOnly = WriterSessions.sessionsOf(block.frozen(), block.frozenAt(), lifted);
      if (block.terminate()) {
        settled = WriterSessions.settle(environment, readOnly, Duration.ofMillis(block.graceMillis()), true,
            "read-only session", "the freeze of role " + block.frozen() + " was lifted");
      } else {
        leftReadOnly += environment.look(readOnly).size();
      }
    }
    return new Lifted(now, before, settled, leftReadOnly);
  }

  private static String describe(Block block) {
    return block.scope() == FreezeScope.ROLE ? "role " + block.frozen()
        : block.frozen() + (block.predicate() == null ? "" : " where " + block.predicate());
  }
}
