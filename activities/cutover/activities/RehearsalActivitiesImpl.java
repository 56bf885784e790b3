package cutover.activities;

import cutover.activities.Rehearsal.HeldLock;
import cutover.activities.Rehearsal.StatementRehearsal;
import cutover.activities.Rehearsal.StepRehearsal;
import cutover.activities.steps.SqlTimeouts;
import cutover.activities.steps.StepKind;
import cutover.activities.steps.StepKinds;
import cutover.activities.steps.sql.SqlSpec;
import cutover.plan.Phase;
import cutover.plan.Plan;
import cutover.plan.PlanStep;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record5;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;

/**
 * Rehearses the {@code sql} steps of a plan's phases on the target: one transaction, each step with
 * its own {@code lock_timeout} and {@code statement_timeout} (set locally, as the real run does),
 * each statement timed and followed by a look at the locks the backend holds, each behind a
 * savepoint so that a failing statement is reported and the rehearsal goes on; then the whole
 * transaction is rolled back. PostgreSQL's DDL is transactional, so this shows what the steps
 * would do and which locks they would take, and leaves nothing behind. The ledger is not written.
 *
 * <p>What cannot be rehearsed so is named with the reason: statements PostgreSQL refuses in a
 * transaction block (CREATE INDEX CONCURRENTLY, VACUUM: it says so itself), steps of other kinds
 * (backfills run in many transactions, gates wait for people or time, http and command steps act
 * outside the database, other kinds run SQL of their own). Sequence values a rehearsal draws are
 * not given back by the rollback: PostgreSQL never rolls sequences back.
 */
public final class RehearsalActivitiesImpl implements RehearsalActivities {
  /** SQLSTATE active_sql_transaction: "cannot run inside a transaction block". */
  static final String NOT_IN_A_TRANSACTION = "25001";
  private static final int SQL_CHARS = 300;

  private static final Table<?> LOCKS = DSL.table(DSL.name("pg_catalog", "pg_locks")).as("l");
  private static final Table<?> CLASSES = DSL.table(DSL.name("pg_catalog", "pg_class")).as("c");
  private static final Table<?> NAMESPACES = DSL.table(DSL.name("pg_catalog", "pg_namespace")).as("n");
  private static final Field<String> LOCK_TYPE = DSL.field(DSL.name("l", "locktype"), SQLDataType.VARCHAR);
  private static final Field<String> MODE = DSL.field(DSL.name("l", "mode"), SQLDataType.VARCHAR);
  private static final Field<Boolean> GRANTED = DSL.field(DSL.name("l", "granted"), SQLDataType.BOOLEAN);
  private static final Field<String> SCHEMA = DSL.field(DSL.name("n", "nspname"), SQLDataType.VARCHAR);
  private static final Field<String> RELATION = DSL.field(DSL.name("c", "relname"), SQLDataType.VARCHAR);

  private final Targets targets;

  public RehearsalActivitiesImpl(Targets targets) {
    this.targets = targets;
  }

  @Override
  public Rehearsal rehearse(RehearsalRequest request) {
    LoadedPlan loaded = new PlanActivitiesImpl(targets).load(new PlanRef(request.plan(), request.version(),
        request.target()));
    Plan plan = loaded.plan();
    List<Phase> phases = plan.phases().stream()
        .filter(p -> request.phase() == null || request.phase().isBlank() || p.name().equals(request.phase())).toList();
    if (phases.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("plan '" + plan.name() + "' has no phase '" + request.phase()
          + "'; its phases: " + String.join(", ", plan.phases().stream().map(Phase::name).toList()), "UnknownPhase");
    }
    long started = System.nanoTime();
    List<StepRehearsal> steps = new ArrayList<>();
    try (Connection connection = targets.dataSource(request.target()).getConnection()) {
      connection.setAutoCommit(false);
      try {
        DSLContext sql = DSL.using(connection, SQLDialect.POSTGRES);
        Set<HeldLock> held = locks(sql);
        for (Phase phase : phases) {
          for (PlanStep step : phase.steps()) {
            steps.add(rehearse(connection, sql, phase.name(), step, held));
          }
        }
      } finally {
        connection.rollback();
      }
    } catch (SQLException e) {
      throw ApplicationFailure.newFailureWithCause("the rehearsal could not use target '" + request.target() + "': "
          + e.getMessage(), "RehearsalFailed", e);
    }
    return new Rehearsal(plan.name(), loaded.hash(), request.target(), phases.stream().map(Phase::name).toList(), steps,
        (System.nanoTime() - started) / 1_000_000);
  }

  private StepRehearsal rehearse(Connection connection, DSLContext sql, String phase, PlanStep step, Set<HeldLock> held)
      throws SQLException {
    if (!(step.spec() instanceof SqlSpec spec)) {
      return new StepRehearsal(phase, step.id(), step.kind(), false, whyNot(step), List.of());
    }
    SqlTimeouts timeouts = spec.timeouts();
    sql.select(SqlRunner.setConfig("lock_timeout", timeouts.lockTimeout()),
        SqlRunner.setConfig("statement_timeout", timeouts.statementTimeout())).fetch();
    List<StatementRehearsal> statements = new ArrayList<>();
    for (NativeQuery query : Parser.parseJdbcSql(spec.sql(), true, false, true, false, false)) {
      String text = query.nativeSql.strip();
      if (text.isEmpty()) {
        continue;
      }
      Savepoint before = connection.setSavepoint();
      long from = System.nanoTime();
      Long rows;
      try (Statement statement = connection.createStatement()) {
        boolean resultSet = statement.execute(text);
        rows = resultSet ? null : (long) Math.max(0, statement.getUpdateCount());
      } catch (SQLException failed) {
        double millis = Math.round((System.nanoTime() - from) / 10_000.0) / 100.0;
        connection.rollback(before);
        if (NOT_IN_A_TRANSACTION.equals(failed.getSQLState())) {
          // PostgreSQL's own word on why: "CREATE INDEX CONCURRENTLY cannot run inside a transaction block"
          return new StepRehearsal(phase, step.id(), step.kind(), false, "PostgreSQL cannot rehearse it in a transaction: "
              + firstLine(failed.getMessage()), statements);
        }
        statements.add(new StatementRehearsal(shorten(text), millis, null, List.of(), firstLine(failed.getMessage())));
        continue;
      }
      double millis = Math.round((System.nanoTime() - from) / 10_000.0) / 100.0;
      Set<HeldLock> now = locks(sql);
      List<HeldLock> taken = now.stream().filter(lock -> !held.contains(lock)).toList();
      held.addAll(taken);
      connection.releaseSavepoint(before);
      statements.add(new StatementRehearsal(shorten(text), millis, rows, taken, null));
    }
    return new StepRehearsal(phase, step.id(), step.kind(), true, null, statements);
  }

  /** The locks this backend holds, but those every transaction has on itself. */
  private static Set<HeldLock> locks(DSLContext sql) {
    Set<HeldLock> locks = new LinkedHashSet<>();
    for (Record5<String, String, Boolean, String, String> lock : sql
        .select(LOCK_TYPE, MODE, GRANTED, SCHEMA, RELATION)
        .from(LOCKS)
        .leftJoin(CLASSES).on(DSL.field(DSL.name("c", "oid")).eq(DSL.field(DSL.name("l", "relation"))))
        .leftJoin(NAMESPACES).on(DSL.field(DSL.name("n", "oid")).eq(DSL.field(DSL.name("c", "relnamespace"))))
        .where(DSL.field(DSL.name("l", "pid")).eq(DSL.function(DSL.name("pg_backend_pid"), SQLDataType.INTEGER)))
        .and(LOCK_TYPE.notIn("virtualxid", "transactionid"))
        .fetch()) {
      String object = lock.value5() != null ? lock.value4() + "." + lock.value5() : lock.value1();
      locks.add(new HeldLock(lock.value2(), object, Boolean.TRUE.equals(lock.value3())));
    }
    return locks;
  }

  private static String whyNot(PlanStep step) {
    StepKind<?> kind = StepKinds.ALL.find(step.kind()).orElse(null);
    if (kind == null) {
      return "kind " + step.kind() + " is not known to this worker";
    }
    return switch (kind.execution()) {
      case BATCHED -> "a " + step.kind() + " runs in many transactions of batches, each committed: not rehearsed";
      case WORKFLOW -> "a gate (" + step.kind() + ") waits for people or time: nothing runs on the database";
      case OUTSIDE_TRANSACTION -> "a " + step.kind() + " step runs outside one transaction (reads of its own, a command or"
          + " a request): not rehearsed";
      case IN_TRANSACTION -> "kind " + step.kind() + " runs SQL of its own: only sql steps are rehearsed";
    };
  }

  private static String shorten(String text) {
    return text.length() <= SQL_CHARS ? text : text.substring(0, SQL_CHARS - 1) + "…";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "failed";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
