package cutover.activities.steps.backfill;

import static org.jooq.impl.DSL.name;

import cutover.activities.OtherTargetReads;
import cutover.activities.SqlRunner;
import cutover.activities.StepAction;
import cutover.activities.StepMetrics;
import cutover.activities.Targets;
import cutover.activities.steps.PartContext;
import cutover.activities.steps.PartOutcome;
import cutover.activities.steps.StepContext;
import cutover.activities.steps.StepOutcome;
import cutover.plan.PlanParser;
import cutover.plan.StepFields;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.PGCopyOutputStream;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A backfill whose source is on another target ({@code fromTarget:}): the residency move, an
 * import from a staging copy. It runs on the workers of the plan's target (the destination),
 * which must know the source target too.
 *
 * <p>The parts are key ranges of the source, fixed when the step starts and recorded in the
 * destination's ledger. Each batch is one destination transaction: it locks the part's
 * checkpoint, reads the batch's end and then its rows from the source in one read-only
 * transaction there (one snapshot, the step's lock and statement timeouts), streams them by
 * {@code COPY} into the destination, and commits them with the advanced checkpoint. A killed
 * attempt rolls its batch back with its checkpoint; the next goes on after the last committed
 * batch, so no row is copied twice and none is skipped.
 *
 * <p>Rows travel as {@code COPY ... (FORMAT binary)} when the source's columns have exactly the
 * destination's built-in types, else as text, which the destination parses into its own types
 * (an {@code integer} into a {@code bigint}, say). With {@code onConflict: nothing | update} they
 * go through a temporary table and one {@code INSERT ... SELECT ... ON CONFLICT}. They stream in
 * key order, so a row the destination refuses is named by its source key: the server names the
 * line of the stream ({@link Rows#refusedRow}).
 *
 * <p>What a same-database backfill does and this cannot: capture the source's changes (the
 * trigger and its replay would have to span two databases), walk by pages or sampled ranges, a
 * latency guard, an update in place. The plan is refused for those at parse time; changes to
 * the source while the copy runs are not copied again (say so in the outcome), so freeze the
 * source's writes or compare with a parity after. Undone like any copy: the copied key ranges
 * are removed from the destination.
 */
final class TargetCopy {
  /** Buffer of the destination's COPY stream: rows are sent in messages of this size, not one each. */
  private static final int COPY_BUFFER = 1 << 16;
  /** Starts the name of the temporary table a step's upserting batches go through. */
  private static final String STAGED = "cutover_copy_";

  private TargetCopy() {}

  /** Refuses, at the plan's fields, what a copy between targets cannot do. */
  static void refuseWhatDoesNotApply(StepFields fields, Map<String, String> set, Boolean capture, WalkKind walk,
      GuardSpec guard) {
    if (set != null) {
      fields.problem("set", "set: updates the from: table in place, and with fromTarget: that table is on another target",
          "copy the rows with into: and columns:, or run the update as a plan of the source's target");
    }
    if (Boolean.TRUE.equals(capture)) {
      fields.problem("capture", "capture: true is not available with fromTarget: the changes would be captured on one"
              + " target and replayed on another", "remove capture: and freeze the source's writes during the copy,"
              + " or compare the tables with a parity step after it");
    }
    if (walk != null && walk != WalkKind.KEY) {
      fields.problem("walk", "a copy between targets walks by key only, found walk: " + walk.word(),
          "write walk: key or leave walk: out");
    }
    if (guard != null) {
      fields.problem("guard", "guard: is not available with fromTarget:", "remove guard:; use rate: or maxLockWait: to"
          + " spare the destination");
    }
  }

  // ---------------------------------------------------------------- prepare

  /** The parts: the source's key range now, split from a sample of it, read on the source. */
  static List<Checkpoints.Part> parts(StepContext context, BackfillSpec spec) {
    OtherTargetReads source = context.environment().readsOn(spec.fromTarget());
    source.requireKnown();
    String step = context.step().id();
    return source.read(spec.timeouts(), read -> {
      BackfillSql.Walk walk = BackfillSql.source(spec);
      String nullColumn = BackfillSql.nullKeyColumn(read, walk);
      if (nullColumn != null) {
        throw ApplicationFailure.newNonRetryableFailure("step '" + step + "': key column " + nullColumn
            + " is NULL in some rows of " + spec.sourceName() + " on target '" + spec.fromTarget()
            + "'; rows with a NULL key cannot be walked in key order. Exclude them with where:, or choose a key"
            + " without NULLs", "StepFailed");
      }
      StepContext onSource = new StepContext(context.runId(), context.target(), context.step(), read);
      return BackfillStep.keyRangeParts(onSource, spec, walk,
          new WalkChoice(WalkKind.KEY, "from target '" + spec.fromTarget() + "'"));
    });
  }

  // ---------------------------------------------------------------- parts

  /** What one batch transaction did: rows copied (-1: none tried), where the part stands, why it waits. */
  private record Batch(long rows, Checkpoints.Part part, boolean finished, Checkpoints.Control control,
      String backOff) {}

  static PartOutcome runPart(PartContext context, BackfillSpec spec) {
    SqlRunner.Session session = context.session();
    OtherTargetReads source = new OtherTargetReads(session.targets(), spec.fromTarget(), context.target(),
        context.step().id());
    source.requireKnown();
    Throttle throttle = new Throttle(spec, spec.batchTimeFor(WalkKind.KEY), context.parts());
    BackfillStep.Load load = new BackfillStep.Load(spec, true);
    BackfillStep.BatchTimes batchTimes = new BackfillStep.BatchTimes();
    Rows rows = new Rows(spec, context.runId(), context.step().id(), session.targets());
    Checkpoints.PartLock lock = new Checkpoints.PartLock(context.runId(), context.step().id(), StepAction.APPLY,
        context.part());
    long started = System.nanoTime();
    long rowsThisAttempt = 0;
    long backingOffSince = 0;
    int reconnects = 0;
    Checkpoints.Part part = null;
    String state;
    while (true) {
      session.throwIfCancelled();
      boolean checkLoad = load.due() && (backingOffSince == 0
          || System.nanoTime() - backingOffSince < BackfillStep.MAX_BACKOFF_MILLIS * 1_000_000);
      long batchStarted = System.nanoTime();
      Batch batch;
      try {
        batch = session.run(spec.timeouts(), (tx, attempt) -> batch(context, tx, lock, source, rows, throttle,
            checkLoad ? load : null)).value();
        reconnects = 0;
      } catch (ApplicationFailure failure) {
        // a dropped connection (to either target): the batch rolled back with its checkpoint, so
        // running it again is exact; after a few tries the part fails and Temporal retries it
        if (failure.isNonRetryable() || ++reconnects > BackfillStep.MAX_RECONNECTS) {
          throw failure;
        }
        session.progress(BackfillStep.progress(context, part == null ? BackfillStep.firstRead(context) : part,
            rowsThisAttempt, started, throttle, "retrying", failure.getOriginalMessage()));
        session.sleep(200L << reconnects);
        continue;
      }
      long batchMillis = (System.nanoTime() - batchStarted) / 1_000_000;
      part = batch.part();
      if (batch.finished()) {
        state = part.stopped() ? "stopped" : "done";
        session.progress(BackfillStep.progress(context, part, rowsThisAttempt, started, throttle, state, null));
        break;
      }
      if (batch.control().paused()) {
        session.progress(BackfillStep.progress(context, part, rowsThisAttempt, started, throttle, "paused",
            "paused by " + batch.control().pausedBy() + "; `cutover resume` goes on"));
        session.sleep(BackfillStep.PAUSE_POLL_MILLIS);
        throttle.idle(BackfillStep.PAUSE_POLL_MILLIS * 1_000_000);
        continue;
      }
      if (batch.backOff() != null) {
        if (backingOffSince == 0) {
          backingOffSince = System.nanoTime();
          throttle.shrink();
        }
        session.progress(BackfillStep.progress(context, part, rowsThisAttempt, started, throttle, "throttled",
            batch.backOff()));
        session.sleep(BackfillStep.LOAD_CHECK_MILLIS);
        throttle.idle(BackfillStep.LOAD_CHECK_MILLIS * 1_000_000);
        continue;
      }
      backingOffSince = 0;
      rowsThisAttempt += batch.rows();
      throttle.record(batch.rows(), batchMillis);
      throttle.counted(batch.rows());
      batchTimes.add(batchMillis);
      StepMetrics.batchCommitted(context.target(), context.step().kind(), context.action(), batch.rows(), batchMillis);
      long wait = throttle.waitMillis();
      state = wait > 0 && throttle.ratePerPart() > 0 ? "throttled" : "running";
      String note = wait > 0 ? throttle.rateNote() : throttle.tunedBy() == null ? null : "tuned by " + throttle.tunedBy();
      session.progress(BackfillStep.progress(context, part, rowsThisAttempt, started, throttle, state, note));
      session.sleep(wait);
    }
    if (part.stopped()) {
      throw ApplicationFailure.newNonRetryableFailure("step '" + context.step().id() + "' part " + (context.part() + 1)
          + " was stopped: a compensation of the step has begun", "StepStopped");
    }
    return new PartOutcome(part.rowsDone(), part.batches(), rowsThisAttempt, batchTimes.percentile(50),
        batchTimes.percentile(99), batchTimes.max(), String.format(Locale.ROOT,
            "part %d/%d copied %,d rows from target '%s' in %,d batches (COPY %s; batch p99 %d ms)", context.part() + 1,
            context.parts(), part.rowsDone(), spec.fromTarget(), part.batches(), rows.format == null ? "not needed"
                : rows.format, batchTimes.percentile(99)));
  }

  /**
   * One destination transaction: lock the checkpoint, read the operators' controls, maybe look at
   * the load, then the batch's rows from the source, written here with the advanced checkpoint.
   */
  private static Batch batch(PartContext context, DSLContext tx, Checkpoints.PartLock lock, OtherTargetReads source,
      Rows rows, Throttle throttle, BackfillStep.Load load) {
    Checkpoints checkpoints = new Checkpoints(tx);
    String step = context.step().id();
    Checkpoints.Locked locked = lock.lock(tx)
        .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure("step '" + step + "' has no part "
            + (context.part() + 1) + " to apply: its parts were not prepared", "StepFailed"));
    Checkpoints.Part part = locked.part();
    Checkpoints.Control control = locked.control();
    if (part.done() || part.stopped() || part.upper() == null) {
      return new Batch(-1, part, true, control, null);
    }
    if (control.paused()) {
      return new Batch(-1, part, false, control, null);
    }
    if (load != null) {
      String backOff = load.check(tx);
      if (backOff != null) {
        return new Batch(-1, part, false, control, backOff);
      }
    }
    throttle.tune(control);
    Copied copied = source.read(rows.spec.timeouts(), read -> rows.copy(read, tx, part, throttle.size()));
    if (copied == null) {
      checkpoints.finish(part);
      return new Batch(0, part.withState(PartState.DONE), true, control, null);
    }
    checkpoints.advance(part, copied.end(), copied.rows());
    return new Batch(copied.rows(), part.advancedTo(copied.end(), copied.rows()), false, control, null);
  }

  /** Where the server says a COPY in failed: {@code COPY users, line 17, column email: "..."} (the column when it is one value's). */
  private static final Pattern COPY_LINE = Pattern.compile("^COPY [^,]+, line (\\d+)(?:, column ([^:]+):)?");

  /** A batch's rows written, and the key its part's checkpoint moves to. */
  private record Copied(long rows, List<String> end) {}

  /** The rows of one part's batches: its key walk on the source, and the COPY format chosen at its first batch. */
  private static final class Rows {
    final BackfillSpec spec;
    private final BackfillSql.Walk relation;
    /**
     * The step's own temporary table on a destination connection, emptied at each commit and kept
     * by the connection for the step's next batches there: created once, not per batch.
     */
    private final Table<?> staged;
    private final String stepId;
    private final Targets targets;
    private KeyWalk walk;
    /** binary or text, once chosen. */
    String format;

    Rows(BackfillSpec spec, String runId, String stepId, Targets targets) {
      this.spec = spec;
      this.relation = BackfillSql.source(spec);
      this.staged = DSL.table(name(STAGED + PlanParser.hash(runId + "\n" + stepId).substring(0, 16)));
      this.stepId = stepId;
      this.targets = targets;
    }

    /** The next batch after the part's checkpoint, read on the source and written to the destination; null at the end. */
    Copied copy(DSLContext source, DSLContext destination, Checkpoints.Part part, int size) throws Exception {
      if (walk == null) {
        walk = new KeyWalk(relation);
      }
      BatchWalk.Range range = walk.next(source, part, size);
      if (range == null) {
        return null;
      }
      BackfillSql.Walk keyed = relation.withTypes(part.keyTypes());
      // in key order: a row the destination refuses is named by its line of the stream
      Select<?> select = DSL.select(spec.columns().values().stream().map(BackfillSql::expression).toList())
          .from(keyed.table()).where(keyed.filter().and(range.rows())).orderBy(keyed.keyFields());
      if (format == null) {
        List<String> from = typeNames(source, "SELECT * FROM (" + source.renderInlined(select) + ") s LIMIT 0");
        format = written(() -> sameBuiltInTypes(destination, from)) ? "binary" : "text";
      }
      String copyOut = "COPY (" + source.renderInlined(select) + ") TO STDOUT (FORMAT " + format + ")";
      Table<?> into = BackfillSql.table(spec.intoTable());
      List<Field<Object>> columns = spec.columns().keySet().stream().map(c -> DSL.field(name(c))).toList();
      long written;
      try {
        if (spec.onConflict() == BackfillSpec.OnConflict.ERROR) {
          written = stream(source, destination, copyOut, copyIn(destination, into, columns));
        } else {
          written(() -> destination.execute("CREATE TEMPORARY TABLE IF NOT EXISTS {0} ON COMMIT DELETE ROWS AS SELECT {1}"
              + " FROM {2} WITH NO DATA", staged, DSL.list(columns), into));
          stream(source, destination, copyOut, copyIn(destination, staged, columns));
          written = written(() -> BackfillSql.insert(destination, spec, DSL.select(columns).from(staged)));
        }
      } catch (OtherTargetReads.WriteFailure failure) {
        ApplicationFailure named = refusedRow(source, keyed, range, failure);
        throw named == null ? failure : named;
      }
      walk.observe(range, written);
      return new Copied(written, range.end());
    }

    /**
     * When the destination refused a row of the COPY (its data: a value too long, a NULL, a
     * constraint), the failure naming it: the server names the line, and the line of a stream in
     * key order is the row that many into the batch, read again in the source's same snapshot.
     * Null when the failure is not of one row's data.
     */
    private ApplicationFailure refusedRow(DSLContext source, BackfillSql.Walk keyed, BatchWalk.Range range,
        OtherTargetReads.WriteFailure failure) {
      SQLException error = BatchFailure.sqlException(failure);
      ServerErrorMessage server = error instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
      if (server == null || !BatchFailure.dataError(server.getSQLState()) || server.getWhere() == null) {
        return null;
      }
      Matcher line = COPY_LINE.matcher(server.getWhere());
      if (!line.find()) {
        return null;
      }
      List<Field<Object>> key = keyed.keyFields();
      List<Field<String>> texts = new ArrayList<>(); // named apart: ORDER BY id would sort an output column "id" as text
      for (int i = 0; i < key.size(); i++) {
        texts.add(key.get(i).cast(SQLDataType.CLOB).as("cutover_key" + i));
      }
      org.jooq.Record row = source.select(texts)
          .from(keyed.table()).where(keyed.filter().and(range.rows())).orderBy(key)
          .limit(1).offset(Long.parseLong(line.group(1)) - 1).fetchOne();
      if (row == null) {
        return null;
      }
      List<String> values = new ArrayList<>();
      for (int i = 0; i < key.size(); i++) {
        values.add(row.get(i, String.class));
      }
      String column = server.getColumn() != null ? server.getColumn() : line.group(2);
      String message = "step '" + stepId + "' failed: " + BatchFailure.server(error) + "; source row "
          + BatchFailure.keyText(keyed.key(), values) + " of " + spec.sourceName() + " of target '" + spec.fromTarget()
          + "'" + (column != null ? ", column " + column : server.getConstraint() != null
              ? ", constraint " + server.getConstraint() : "")
          + ". Nothing of the failed batch was committed (batches before it were); fix the data or the plan, then retry"
          + " the step: it goes on at the failed batch";
      return ApplicationFailure.newNonRetryableFailure(targets.redact(message), "StepFailed");
    }

    private String copyIn(DSLContext destination, Table<?> table, List<Field<Object>> columns) {
      return "COPY " + destination.render(table) + " (" + destination.render(DSL.list(columns)) + ") FROM STDIN (FORMAT "
          + format + ")";
    }

    /** Streams the source's COPY out into the destination's COPY in; returns the rows the destination took. */
    private static long stream(DSLContext source, DSLContext destination, String copyOut, String copyIn)
        throws Exception {
      CopyManager from = source.connectionResult(c -> c.unwrap(PGConnection.class).getCopyAPI());
      PGConnection to = destination.connectionResult(c -> c.unwrap(PGConnection.class));
      PGCopyOutputStream into = written(() -> new PGCopyOutputStream(to, copyIn, COPY_BUFFER));
      try {
        try {
          from.copyOut(copyOut, into);
        } catch (IOException writing) { // the source's failures are SQLExceptions; the stream's are the destination's
          throw new OtherTargetReads.WriteFailure(writing);
        }
        return written(into::endCopy);
      } finally {
        if (into.isActive()) {
          try {
            into.cancelCopy();
          } catch (java.sql.SQLException cancelling) {
            // the destination's transaction rolls back with the batch either way
          }
        }
      }
    }

    /**
     * Whether every copied column has the same built-in type on both sides (type names as the
     * drivers report them, none a type of the destination's own): then binary COPY reads each
     * value as it was written.
     */
    private boolean sameBuiltInTypes(DSLContext destination, List<String> from) {
      Table<?> into = BackfillSql.table(spec.intoTable());
      String columns = spec.columns().keySet().stream().map(c -> destination.render(DSL.name(c)))
          .collect(Collectors.joining(", "));
      List<String> to = typeNames(destination, "SELECT " + columns + " FROM " + destination.render(into) + " LIMIT 0");
      if (!from.equals(to)) {
        return false;
      }
      // types created in the database (enums, composites and their arrays) have OIDs of their own in each
      Integer own = destination.fetchValue(DSL.selectCount().from(DSL.table(name("pg_catalog", "pg_type")))
          .where(DSL.field(name("typname"), String.class).in(to),
              DSL.field(name("oid")).cast(Long.class).ge(DSL.inline(16_384L))));
      return own != null && own == 0;
    }

    /** Work on the destination inside the source's reads: its failures are the destination's. */
    private static <T> T written(Callable<T> work) {
      try {
        return work.call();
      } catch (Exception e) {
        throw new OtherTargetReads.WriteFailure(e);
      }
    }

    private static List<String> typeNames(DSLContext sql, String query) {
      List<String> names = new ArrayList<>();
      sql.connection(connection -> {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
          ResultSetMetaData meta = rs.getMetaData();
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            names.add(meta.getColumnTypeName(i));
          }
        }
      });
      return names;
    }
  }

  // ---------------------------------------------------------------- finish

  /** The outcome of the step once every part is done. */
  static StepOutcome applied(BackfillSpec spec, List<Checkpoints.Part> parts) {
    long rows = parts.stream().mapToLong(Checkpoints.Part::rowsDone).sum();
    long batches = parts.stream().mapToLong(Checkpoints.Part::batches).sum();
    String source = spec.sourceName() + " of target '" + spec.fromTarget() + "'";
    String notCaptured = "; changes made to the source during the copy are not captured (a copy between targets reads"
        + " each batch once: freeze the source's writes, or compare with a parity step)";
    if (parts.size() == 1 && parts.get(0).upper() == null) {
      return new StepOutcome("nothing to copy: " + source + " had no rows"
          + (spec.where() == null ? "" : " matching where:"), 0L);
    }
    return new StepOutcome(String.format(Locale.ROOT, "copied %,d rows from %s into %s in %d part%s, %,d batches; walk:"
        + " key", rows, source, String.join(".", spec.intoTable()), parts.size(), parts.size() == 1 ? "" : "s", batches)
        + notCaptured, rows);
  }
}
