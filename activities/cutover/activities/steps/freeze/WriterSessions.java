package cutover.activities.steps.freeze;

import static org.jooq.impl.DSL.name;

import cutover.activities.LockBlocker;
import cutover.activities.SqlRunner;
import cutover.activities.steps.StepEnvironment;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The sessions that may still write what a freeze blocks, and how the step deals with them: it
 * waits up to the freeze's grace for them to end by themselves, then ends the rest
 * ({@code pg_terminate_backend}) or fails naming them. Sessions are named as lock blockers are
 * (pid, application, user, state, transaction age), never by their SQL.
 */
final class WriterSessions {
  static final long POLL_MILLIS = 100;
  /** How long ended sessions are given to be gone before the step goes on regardless. */
  private static final long GONE_MILLIS = 5_000;
  /** The lock modes of a transaction that writes a table (INSERT/UPDATE/DELETE/COPY take the first). */
  private static final List<String> WRITE_LOCKS =
      List.of("RowExclusiveLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock");

  /** A session found, and whether it may be ended at once (an idle one of a frozen role: nothing of it is lost). */
  record Found(LockBlocker session, boolean endAtOnce) {}

  /** What the step did about the sessions. */
  record Settled(List<LockBlocker> waitedOut, List<LockBlocker> terminated, long waitedMillis) {
    static final Settled NONE = new Settled(List.of(), List.of(), 0);

    /** "waited 1.2s for 1 writing session to end: pid …; ended 1 session: pid …", or "" when there was none. */
    String describe(String kindOfSession) {
      List<String> parts = new ArrayList<>();
      if (!waitedOut.isEmpty()) {
        parts.add("waited " + SqlRunner.seconds(waitedMillis) + " for " + count(waitedOut.size(), kindOfSession)
            + " to end: " + SqlRunner.names(waitedOut));
      }
      if (!terminated.isEmpty()) {
        parts.add("ended " + count(terminated.size(), kindOfSession) + ": " + SqlRunner.names(terminated));
      }
      return String.join("; ", parts);
    }

    List<Map<String, Object>> report() {
      List<Map<String, Object>> sessions = new ArrayList<>();
      waitedOut.forEach(s -> sessions.add(entry(s, "ended by itself")));
      terminated.forEach(s -> sessions.add(entry(s, "terminated")));
      return sessions;
    }

    private static Map<String, Object> entry(LockBlocker session, String outcome) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("pid", session.pid());
      entry.put("application", session.application());
      entry.put("user", session.user());
      entry.put("state", session.state());
      entry.put("transactionMillis", session.transactionMillis());
      entry.put("outcome", outcome);
      return entry;
    }
  }

  /** The sessions still there, or a refusal naming them; thrown as the step's failure. */
  static final class StillWriting extends IllegalStateException {
    StillWriting(String message) {
      super(message);
    }
  }

  private WriterSessions() {}

  /**
   * Waits for the sessions the finder sees to end, for at most {@code grace}; then ends those
   * left when {@code terminate}, else throws {@link StillWriting} naming them. With
   * {@code terminate}, a session the finder marks as endable at once is ended without waiting.
   */
  static Settled settle(StepEnvironment environment, Function<DSLContext, List<Found>> finder, Duration grace,
      boolean terminate, String kindOfSession, String refusal) {
    long started = System.nanoTime();
    long deadline = started + grace.toNanos();
    Map<Integer, LockBlocker> seen = new LinkedHashMap<>();
    Map<Integer, LockBlocker> ended = new LinkedHashMap<>();
    while (true) {
      long waited = (System.nanoTime() - started) / 1_000_000;
      List<LockBlocker> left = new ArrayList<>();
      for (Found found : environment.look(finder)) {
        LockBlocker session = waitedFor(found.session(), waited);
        if (ended.containsKey(session.pid())) {
          continue; // ended, on its way out
        }
        seen.put(session.pid(), session);
        if (terminate && found.endAtOnce()) {
          end(environment, session);
          ended.put(session.pid(), session);
        } else {
          left.add(session);
        }
      }
      if (left.isEmpty()) {
        break;
      }
      if (System.nanoTime() >= deadline) {
        if (!terminate) {
          throw new StillWriting(refusal + ": " + count(left.size(), kindOfSession) + " still open after grace "
              + SqlRunner.seconds(grace.toMillis()) + ": " + SqlRunner.names(left)
              + "; end them, give a longer grace:, or write terminate: true, then retry");
        }
        for (LockBlocker session : left) {
          end(environment, session);
          ended.put(session.pid(), session);
        }
        awaitGone(environment, finder, ended);
        break;
      }
      environment.heartbeat();
      sleep(Math.min(POLL_MILLIS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
    }
    List<LockBlocker> waitedOut = seen.values().stream().filter(s -> !ended.containsKey(s.pid())).toList();
    return new Settled(waitedOut, List.copyOf(ended.values()), (System.nanoTime() - started) / 1_000_000);
  }

  /** Sessions holding a write lock on any of the tables (other than the looking one). */
  static Function<DSLContext, List<Found>> writersOf(List<String> tables) {
    return sql -> {
      Field<Object> relation = DSL.field(name("l", "relation"));
      List<Field<Object>> oids = tables.stream()
          .map(t -> DSL.field("to_regclass({0})", Object.class, DSL.inline(sql.render(FrozenWrites.table(t)))))
          .toList();
      Condition locks = DSL.field(name("l", "locktype"), String.class).eq(DSL.inline("relation"))
          .and(DSL.field(name("l", "granted"), Boolean.class).isTrue())
          .and(DSL.field(name("l", "database")).eq(DSL.field(
              "(SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())")))
          .and(relation.in(oids))
          .and(DSL.field(name("l", "mode"), String.class).in(WRITE_LOCKS.stream().map(DSL::inline).toList()));
      Field<String> mode = DSL.field("string_agg(DISTINCT {0}, ', ')", String.class, DSL.field(name("l", "mode")));
      Field<String> locked = DSL.field("string_agg(DISTINCT {0}::regclass::text, ', ')", String.class, relation);
      return sessions(sql, DSL.table(name("pg_catalog", "pg_locks")).as("l"), locks, mode, locked, false);
    };
  }

  /**
   * The role's client sessions in this database that began in {@code [from, before)}: those that
   * began before a freeze took effect may still write; those that began during it stay read-only
   * after it. An idle one (no transaction open) may be ended at once.
   */
  static Function<DSLContext, List<Found>> sessionsOf(String role, OffsetDateTime from, OffsetDateTime before) {
    return sql -> {
      Field<OffsetDateTime> began = DSL.field(name("a", "backend_start"), SQLDataType.TIMESTAMPWITHTIMEZONE);
      Condition ofRole = DSL.field(name("a", "usesysid"))
          .eq(DSL.field("to_regrole({0})", Object.class, DSL.inline(sql.render(name(role)))))
          .and(DSL.field(name("a", "datname"), String.class).eq(DSL.field("current_database()", String.class)))
          .and(DSL.field(name("a", "backend_type"), String.class).eq(DSL.inline("client backend")))
          .and(began.lt(DSL.inline(before)))
          .and(from == null ? DSL.noCondition() : began.ge(DSL.inline(from)));
      return sessions(sql, null, ofRole, DSL.inline((String) null), DSL.inline((String) null), true);
    };
  }

  /** The moment as the database's clock has it (sessions begin by that clock). */
  static OffsetDateTime now(DSLContext sql) {
    return sql.select(DSL.field("clock_timestamp()", SQLDataType.TIMESTAMPWITHTIMEZONE)).fetchOne(0,
        OffsetDateTime.class);
  }

  private static List<Found> sessions(DSLContext sql, Table<?> locks, Condition where, Field<String> mode,
      Field<String> locked, boolean idleEndsAtOnce) {
    Field<Integer> pid = DSL.field(name("a", "pid"), SQLDataType.INTEGER);
    Field<String> application = DSL.field(name("a", "application_name"), SQLDataType.VARCHAR);
    Field<String> user = DSL.field(name("a", "usename"), SQLDataType.VARCHAR);
    Field<String> state = DSL.field(name("a", "state"), SQLDataType.VARCHAR);
    Field<OffsetDateTime> transactionStart = DSL.field(name("a", "xact_start"), SQLDataType.TIMESTAMPWITHTIMEZONE);
    Field<Long> transactionMillis = DSL.field("(extract(epoch from (clock_timestamp() - {0})) * 1000)::bigint",
        SQLDataType.BIGINT, transactionStart).as("transaction_millis");
    Table<?> activity = DSL.table(name("pg_catalog", "pg_stat_activity")).as("a");
    Table<?> from = locks == null ? activity
        : locks.join(activity).on(DSL.field(name("a", "pid")).eq(DSL.field(name("l", "pid"))));
    List<? extends Record> rows = sql
        .select(pid, application, user, state, transactionMillis, transactionStart.isNull().as("idle"), mode.as("mode"),
            locked.as("locked"))
        .from(from)
        .where(where.and(pid.ne(DSL.field("pg_backend_pid()", SQLDataType.INTEGER))))
        .groupBy(pid, application, user, state, transactionStart)
        .orderBy(pid)
        .fetch();
    List<Found> found = new ArrayList<>();
    for (Record row : rows) {
      Long millis = row.get(transactionMillis);
      String lockMode = row.get("mode", String.class);
      found.add(new Found(new LockBlocker(row.get(pid), row.get(application), row.get(user), row.get(state), lockMode,
          lockMode == null ? null : true, row.get("locked", String.class), 0, millis == null ? -1 : millis),
          idleEndsAtOnce && Boolean.TRUE.equals(row.get("idle", Boolean.class))));
    }
    return found;
  }

  private static void end(StepEnvironment environment, LockBlocker session) {
    try {
      environment.look(sql -> sql.select(DSL.field("pg_terminate_backend({0})", SQLDataType.BOOLEAN,
          DSL.inline(session.pid()))).fetch());
    } catch (RuntimeException e) {
      throw new StillWriting("could not end " + session.describe() + ": " + e.getMessage() + "; the target's user needs"
          + " the pg_signal_backend role, or membership in the session's role");
    }
  }

  /** Waits a little for ended sessions to be gone, so the block that follows does not wait on their locks. */
  private static void awaitGone(StepEnvironment environment, Function<DSLContext, List<Found>> finder,
      Map<Integer, LockBlocker> ended) {
    long until = System.nanoTime() + GONE_MILLIS * 1_000_000;
    while (System.nanoTime() < until
        && environment.look(finder).stream().anyMatch(f -> ended.containsKey(f.session().pid()))) {
      environment.heartbeat();
      sleep(POLL_MILLIS);
    }
  }

  private static LockBlocker waitedFor(LockBlocker session, long millis) {
    return new LockBlocker(session.pid(), session.application(), session.user(), session.state(), session.lockMode(),
        session.lockGranted(), session.lockedObject(), millis, session.transactionMillis());
  }

  static String count(int sessions, String kindOfSession) {
    return sessions + " " + kindOfSession + (sessions == 1 ? "" : "s");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for sessions to end");
    }
  }
}
