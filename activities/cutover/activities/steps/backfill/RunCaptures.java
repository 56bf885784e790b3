package cutover.activities.steps.backfill;

import static cutover.db.Tables.BACKFILL_CHECKPOINT;
import static org.jooq.impl.DSL.name;

import cutover.activities.SqlRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.Record2;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * The change captures a run's backfills left installed when the run ends without them
 * ({@code cutover abandon}): a trigger that goes on recording every write of the application
 * into a table that nothing replays. Found by name from the run's checkpoints, and by the capture
 * table's comment (which names its run and step) for one installed before its step's parts were
 * recorded.
 */
public final class RunCaptures {
  /** How long removing one capture waits for the source's lock: the application's writes must not queue behind it. */
  static final Duration LOCK_TIMEOUT = Duration.ofSeconds(5);

  private RunCaptures() {}

  /**
   * Removes each capture of the run's backfill steps, each in its own transaction.
   *
   * @return what was removed or could not be, in words, one line per capture found
   */
  public static List<String> remove(DSLContext dsl, String runId) {
    List<String> said = new ArrayList<>();
    java.util.SortedSet<String> steps = new java.util.TreeSet<>(dsl.selectDistinct(BACKFILL_CHECKPOINT.STEP_ID)
        .from(BACKFILL_CHECKPOINT).where(BACKFILL_CHECKPOINT.RUN_ID.eq(runId)).fetch(BACKFILL_CHECKPOINT.STEP_ID));
    // a capture installed by a prepare that did not get to record its parts: named by its table's comment
    Field<String> comment = DSL.field("obj_description({0}, 'pg_class')", String.class, DSL.field(name("c", "oid")));
    String owner = Capture.OWNER_PREFIX + runId + "\n";
    for (String described : dsl.select(comment).from(DSL.table(name("pg_catalog", "pg_class")).as("c"))
        .join(DSL.table(name("pg_catalog", "pg_namespace")).as("n"))
        .on(DSL.field(name("n", "oid")).eq(DSL.field(name("c", "relnamespace"))))
        .where(DSL.field(name("n", "nspname"), String.class).eq("cutover"),
            DSL.field(name("c", "relname"), String.class).like("capture\\_%"))
        .fetch(comment)) {
      if (described != null && described.startsWith(owner)) {
        steps.add(described.substring(owner.length()));
      }
    }
    for (String step : steps) {
      String hash = Capture.hash(runId + "\u0000" + step);
      Name table = name("cutover", "capture_" + hash);
      Name function = name("cutover", "capture_" + hash);
      String trigger = "cutover_capture_" + hash;
      Field<String> schema = DSL.field(name("n", "nspname"), String.class);
      Field<String> relation = DSL.field(name("c", "relname"), String.class);
      Record2<String, String> source = dsl.select(schema, relation)
          .from(DSL.table(name("pg_catalog", "pg_trigger")).as("t"))
          .join(DSL.table(name("pg_catalog", "pg_class")).as("c"))
          .on(DSL.field(name("c", "oid")).eq(DSL.field(name("t", "tgrelid"))))
          .join(DSL.table(name("pg_catalog", "pg_namespace")).as("n"))
          .on(DSL.field(name("n", "oid")).eq(DSL.field(name("c", "relnamespace"))))
          .where(DSL.field(name("t", "tgname"), String.class).eq(trigger))
          .fetchOne();
      boolean tableLeft = dsl.select(DSL.function(name("to_regclass"), Object.class, DSL.inline(dsl.render(table))))
          .fetchOne(0) != null;
      if (source == null && !tableLeft) {
        continue;
      }
      String on = source == null ? "" : " on " + source.value1() + "." + source.value2();
      try {
        dsl.transaction(configuration -> {
          DSLContext tx = configuration.dsl();
          tx.select(SqlRunner.setConfig("lock_timeout", LOCK_TIMEOUT)).fetch();
          if (source != null) {
            tx.execute("DROP TRIGGER {0} ON {1}", name(trigger), name(source.value1(), source.value2()));
          }
          tx.execute("DROP FUNCTION IF EXISTS {0}()", function);
          tx.execute("DROP TABLE IF EXISTS {0}", table);
        });
        said.add("removed the change capture of step " + step + on);
      } catch (DataAccessException e) {
        said.add("could not remove the change capture of step " + step + on + " (" + e.sqlStateClass() + ", "
            + "e.g. its lock was not granted within " + LOCK_TIMEOUT.toSeconds() + " s): abandon the run again to retry;"
            + " until then "
            + "its trigger records the application's writes into " + dsl.render(table));
      }
    }
    return said;
  }
}
