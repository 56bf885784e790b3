package cutover.activities.steps.freeze;

import static cutover.db.Tables.FROZEN_WRITE;
import static org.jooq.impl.DSL.name;

import cutover.activities.Word;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.impl.DSL;

/**
 * The blocks of freeze steps, in the database and in their ledger table
 * {@code cutover.frozen_write}: each block is put in place, or lifted, in the same transaction as
 * its row, so a retried step finds what it already did.
 *
 * <p>A table is frozen by two triggers calling {@code cutover.refuse_frozen_write()} (a row
 * trigger before INSERT, UPDATE and DELETE, a statement trigger before TRUNCATE), named after
 * the run and step. A role is frozen by {@code ALTER ROLE … IN DATABASE … SET
 * default_transaction_read_only = on}; its value before is kept and put back.
 */
final class FrozenWrites {
  static final String READ_ONLY = "default_transaction_read_only";
  private static final Name FUNCTION = name("cutover", "refuse_frozen_write");

  /** One block: a table (with its trigger and predicate) or a role (with its setting before). */
  record Block(FreezeScope scope, String frozen, String predicate, String trigger, String settingBefore,
      boolean terminate, long graceMillis, OffsetDateTime frozenAt, OffsetDateTime liftedAt, String liftedBy) {
    boolean lifted() {
      return liftedAt != null;
    }
  }

  private final DSLContext sql;

  FrozenWrites(DSLContext sql) {
    this.sql = Objects.requireNonNull(sql, "sql");
  }

  /** The step's blocks in this run, lifted ones included, in the order they were put in place. */
  List<Block> blocks(String runId, String stepId) {
    return sql.selectFrom(FROZEN_WRITE)
        .where(FROZEN_WRITE.RUN_ID.eq(runId), FROZEN_WRITE.STEP_ID.eq(stepId))
        .orderBy(FROZEN_WRITE.FROZEN_AT, FROZEN_WRITE.FROZEN)
        .fetch(r -> new Block(Word.of(FreezeScope.class, r.getScope()), r.getFrozen(),
            r.getPredicate(), r.getTriggerName(), r.getSettingBefore(), r.getTerminate(), r.getGraceMs(),
            r.getFrozenAt(), r.getLiftedAt(), r.getLiftedBy()));
  }

  /** The step's blocks, their rows locked until the transaction ends: two lifts never run at once. */
  List<Block> blocksForUpdate(String runId, String stepId) {
    sql.selectFrom(FROZEN_WRITE).where(FROZEN_WRITE.RUN_ID.eq(runId), FROZEN_WRITE.STEP_ID.eq(stepId)).forUpdate()
        .fetch();
    return blocks(runId, stepId);
  }

  /**
   * Puts the triggers on each table. {@code CREATE TRIGGER} takes a SHARE ROW EXCLUSIVE lock: it
   * waits for the tables' writing transactions, under the step's {@code lock_timeout}.
   */
  List<Block> freezeTables(String runId, String stepId, FreezeSpec spec) {
    String trigger = triggerName(runId, stepId);
    List<Block> blocks = new ArrayList<>();
    for (String table : spec.tables()) {
      Name live = table(table);
      String printed = value(String.class, "(SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)"
          + " FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace"
          + " WHERE c.oid = {0}::regclass)", DSL.inline(sql.render(live)));
      if (spec.where() != null) {
        checkPredicate(live, spec.where());
      }
      List<Field<String>> arguments = List.of(DSL.inline(runId), DSL.inline(stepId),
          DSL.inline(spec.reason() == null ? "" : spec.reason()), DSL.inline(spec.where() == null ? "" : spec.where()));
      sql.execute("CREATE TRIGGER {0} BEFORE INSERT OR UPDATE OR DELETE ON {1} FOR EACH ROW EXECUTE FUNCTION {2}({3})",
          name(trigger), live, FUNCTION, DSL.list(arguments));
      sql.execute("CREATE TRIGGER {0} BEFORE TRUNCATE ON {1} FOR EACH STATEMENT EXECUTE FUNCTION {2}({3})",
          name(truncateTrigger(trigger)), live, FUNCTION, DSL.list(arguments));
      // a session with session_replication_role = replica skips ordinary triggers: frozen means frozen for it too
      sql.execute("ALTER TABLE {0} ENABLE ALWAYS TRIGGER {1}", live, name(trigger));
      sql.execute("ALTER TABLE {0} ENABLE ALWAYS TRIGGER {1}", live, name(truncateTrigger(trigger)));
      blocks.add(insert(runId, stepId, FreezeScope.TABLE, printed, spec, trigger, null));
    }
    return blocks;
  }

  /** Makes the role's transactions read-only in this database, for sessions that begin from now on. */
  Block freezeRole(String runId, String stepId, FreezeSpec spec) {
    String role = spec.role();
    Boolean exists = value(Boolean.class, "to_regrole({0}) IS NOT NULL", DSL.inline(sql.render(name(role))));
    if (!Boolean.TRUE.equals(exists)) {
      throw new IllegalStateException("role " + role + " does not exist");
    }
    Boolean own = value(Boolean.class, "{0} IN (current_user, session_user)", DSL.inline(role));
    if (Boolean.TRUE.equals(own)) {
      throw new IllegalStateException("role " + role + " is the role the worker connects as: its own ledger writes "
          + "would be refused; freeze the application's role, not the worker's");
    }
    String before = value(String.class, "(SELECT (SELECT substr(c, length({0}) + 2) FROM unnest(s.setconfig) AS c"
        + " WHERE c LIKE {0} || '=%') FROM pg_catalog.pg_db_role_setting AS s"
        + " WHERE s.setrole = to_regrole({1}) AND s.setdatabase = (SELECT oid FROM pg_catalog.pg_database"
        + " WHERE datname = current_database()))", DSL.inline(READ_ONLY), DSL.inline(sql.render(name(role))));
    sql.execute("ALTER ROLE {0} IN DATABASE {1} SET {2} = on", name(role), database(), name(READ_ONLY));
    return insert(runId, stepId, FreezeScope.ROLE, role, spec, null, before);
  }

  /** Lifts a block and marks its row, unless it was lifted before; returns whether it lifted it now. */
  boolean lift(String runId, String stepId, Block block, String by) {
    if (block.lifted()) {
      return false;
    }
    if (block.scope() == FreezeScope.TABLE) {
      Name table = liveTable(block.frozen());
      for (String trigger : table == null ? List.<String>of() : List.of(block.trigger(), truncateTrigger(block.trigger()))) {
        // only when it is there: even DROP TRIGGER IF EXISTS takes an ACCESS EXCLUSIVE lock of the table
        boolean there = sql.fetchExists(DSL.selectOne().from(DSL.table(name("pg_catalog", "pg_trigger")))
            .where(DSL.field(name("tgrelid")).eq(DSL.field("to_regclass({0})", Object.class, DSL.inline(block.frozen()))),
                DSL.field(name("tgname"), String.class).eq(DSL.inline(trigger))));
        if (there) {
          sql.execute("DROP TRIGGER {0} ON {1}", name(trigger), table);
        }
      }
    } else if (block.settingBefore() == null) {
      sql.execute("ALTER ROLE {0} IN DATABASE {1} RESET {2}", name(block.frozen()), database(), name(READ_ONLY));
    } else {
      sql.execute("ALTER ROLE {0} IN DATABASE {1} SET {2} = {3}", name(block.frozen()), database(), name(READ_ONLY),
          DSL.inline(block.settingBefore()));
    }
    sql.update(FROZEN_WRITE)
        .set(FROZEN_WRITE.LIFTED_AT, DSL.currentOffsetDateTime())
        .set(FROZEN_WRITE.LIFTED_BY, by)
        .where(FROZEN_WRITE.RUN_ID.eq(runId), FROZEN_WRITE.STEP_ID.eq(stepId), FROZEN_WRITE.FROZEN.eq(block.frozen()))
        .execute();
    return true;
  }

  /** Lifts the step's blocks and removes their rows: a freeze that did not take, as if it had not run. */
  void undo(String runId, String stepId) {
    for (Block block : blocksForUpdate(runId, stepId)) {
      lift(runId, stepId, block, "failed freeze");
    }
    sql.deleteFrom(FROZEN_WRITE).where(FROZEN_WRITE.RUN_ID.eq(runId), FROZEN_WRITE.STEP_ID.eq(stepId)).execute();
  }

  private Block insert(String runId, String stepId, FreezeScope scope, String frozen, FreezeSpec spec, String trigger,
      String before) {
    OffsetDateTime at = sql.insertInto(FROZEN_WRITE)
        .set(FROZEN_WRITE.RUN_ID, runId)
        .set(FROZEN_WRITE.STEP_ID, stepId)
        .set(FROZEN_WRITE.SCOPE, scope.word())
        .set(FROZEN_WRITE.FROZEN, frozen)
        .set(FROZEN_WRITE.PREDICATE, spec.where())
        .set(FROZEN_WRITE.TRIGGER_NAME, trigger)
        .set(FROZEN_WRITE.SETTING_BEFORE, before)
        .set(FROZEN_WRITE.TERMINATE, spec.terminate())
        .set(FROZEN_WRITE.GRACE_MS, spec.grace().toMillis())
        .returning(FROZEN_WRITE.FROZEN_AT)
        .fetchOne(FROZEN_WRITE.FROZEN_AT);
    return new Block(scope, frozen, spec.where(), trigger, before, spec.terminate(), spec.grace().toMillis(), at, null,
        null);
  }

  /** Runs the plan's condition once against the table (no row read): a wrong one fails here, not in every writer. */
  private void checkPredicate(Name table, String predicate) {
    String probe = "SELECT FROM " + sql.render(table) + " WHERE (" + predicate + ") LIMIT 0";
    sql.connection(connection -> {
      try (Statement statement = connection.createStatement()) {
        statement.execute(probe);
      }
    });
  }

  /** The table a block's printed name (schema.table, quoted as needed) stands for now, or null when it is gone. */
  private Name liveTable(String printed) {
    org.jooq.Record2<String, String> found = sql.select(DSL.field(name("n", "nspname"), String.class),
            DSL.field(name("c", "relname"), String.class))
        .from(DSL.table(name("pg_catalog", "pg_class")).as("c"))
        .join(DSL.table(name("pg_catalog", "pg_namespace")).as("n"))
        .on(DSL.field(name("n", "oid")).eq(DSL.field(name("c", "relnamespace"))))
        .where(DSL.field(name("c", "oid")).eq(DSL.field("to_regclass({0})", Object.class, DSL.inline(printed))))
        .fetchOne();
    return found == null ? null : name(found.value1(), found.value2());
  }

  private Name database() {
    return name(value(String.class, "current_database()"));
  }

  private <T> T value(Class<T> type, String template, org.jooq.QueryPart... parts) {
    return sql.select(DSL.field(template, type, parts)).fetchOne(0, type);
  }

  static Name table(String table) {
    return name(table.split("\\."));
  }

  /** {@code cutover_frozen_<20 hex digits of the run and step>}: short, plain and distinct per step. */
  static String triggerName(String runId, String stepId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((runId + "\u0000" + stepId).getBytes(StandardCharsets.UTF_8));
      return "cutover_frozen_" + HexFormat.of().formatHex(digest, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String truncateTrigger(String trigger) {
    return trigger + "_truncate";
  }
}
