package cutover.activities.steps.freeze;

import static cutover.db.Tables.FROZEN_WRITE;
import cutover.activities.SqlRunner;
import cutover.activities.steps.freeze.FrozenWrites.Block;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;

/**
 * Lifts the freezes an abandoned run left in place. Only the run's own unfreeze steps or its
 * rollback would lift them, and an abandoned run's steps are refused from then on: left alone,
 * the application's writes would be refused in the name of a run that will never go on.
 */
public final class RunFreezes {
  /** How long lifting one step's freeze waits for its tables' locks: the application's writes must not queue behind it. */
  static final Duration LOCK_TIMEOUT = Duration.ofSeconds(5);
  static final String LIFTED_BY = "abandon";

  private RunFreezes() {}

  /**
   * Lifts each freeze step's blocks still in place, each step in its own transaction.
   *
   * @return what was lifted or could not be, in words, one line per freeze step found
   */
  public static List<String> lift(DSLContext dsl, String runId) {
    List<String> said = new ArrayList<>();
    List<String> steps = dsl.selectDistinct(FROZEN_WRITE.STEP_ID).from(FROZEN_WRITE)
        .where(FROZEN_WRITE.RUN_ID.eq(runId), FROZEN_WRITE.LIFTED_AT.isNull())
        .orderBy(FROZEN_WRITE.STEP_ID).fetch(FROZEN_WRITE.STEP_ID);
    for (String step : steps) {
      try {
        List<Block> lifted = dsl.transactionResult(configuration -> {
          DSLContext tx = configuration.dsl();
          tx.select(SqlRunner.setConfig("lock_timeout", LOCK_TIMEOUT)).fetch();
          FrozenWrites ledger = new FrozenWrites(tx);
          List<Block> now = new ArrayList<>();
          for (Block block : ledger.blocksForUpdate(runId, step)) {
            if (ledger.lift(runId, step, block, LIFTED_BY)) {
              now.add(block);
            }
          }
          return now;
        });
        if (lifted.isEmpty()) {
          continue;
        }
        String line = "lifted the freeze of step " + step + ": " + String.join(", ", lifted.stream()
            .map(b -> b.scope() == FreezeScope.ROLE ? "role " + b.frozen() : b.frozen()).toList());
        if (lifted.stream().anyMatch(b -> b.scope() == FreezeScope.ROLE)) {
          line += " (the role's sessions opened during the freeze stay read-only until they reconnect)";
        }
        said.add(line);
      } catch (DataAccessException e) {
        said.add("could not lift the freeze of step " + step + " (" + e.sqlStateClass() + ", e.g. a lock not granted"
            + " within " + LOCK_TIMEOUT.toSeconds() + " s): abandon the run again to retry; until then its writes stay refused");
      }
    }
    return said;
  }
}
