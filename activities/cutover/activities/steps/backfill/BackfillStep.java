package cutover.activities.steps.backfill;

import cutover.activities.SqlRunner;
import cutover.activities.StepAction;
import cutover.activities.StepProgress;
import cutover.activities.steps.BatchedKind;
import cutover.activities.steps.DefinedKind;
import cutover.activities.steps.PartContext;
import cutover.activities.steps.PartOutcome;
import cutover.activities.steps.PlanSql;
import cutover.activities.steps.StepContext;
import cutover.activities.steps.StepOutcome;
import cutover.plan.PlanStep;
import cutover.plan.StepFields;
import cutover.plan.Undo;
import java.time.OffsetDateTime;
import java.util.Optional;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kind: backfill} — copies rows into a table, or updates a table's rows in place, in
 * batches: resumable, throttled, parallel by key (or page) range. How the batches go through the
 * rows is the part's {@link BatchWalk}: by key, by page range, by sampled key range or by a list of
 * the filter's matches, chosen
 * when the parts are prepared ({@link WalkChoice}) or forced by {@code walk:}.
 *
 * <ul>
 *   <li>source: {@code from: TABLE} or {@code query: SELECT ...}; {@code key: [columns]} (any
 *       orderable types, one or more columns, no NULLs); {@code where:} a filter, as written
 *   <li>target: {@code into: TABLE} with {@code columns: {target: source expression}} and
 *       {@code onConflict: error | nothing | update} (with {@code conflictColumns}); or
 *       {@code set: {column: expression}} to update the source table in place
 *   <li>{@code partitions: N} (1–8) splits the key range into parts that run as activities in
 *       parallel; {@code batchSize} fixes the batch size, else it adapts to {@code batchTime}
 *       (default 40ms, 60ms for a page walk or a copy between targets, 20ms under a guard);
 *       {@code rate} caps rows per second; {@code pauseBetween} waits between batches;
 *       {@code maxLockWait} / {@code maxReplicationLag} back off while sessions wait on locks of
 *       the touched tables, or a replica lags, longer than that; {@code guard:} backs off
 *       while a probe of the application's latency is slower than a ratio of its baseline
 *       ({@link LatencyGuard})
 * </ul>
 *
 * <p>With {@code fromTarget:} the source is read on another target and the batches are
 * streamed here by COPY ({@link TargetCopy}).
 *
 * <p>A batch that fails on its data names the source row behind it ({@link BatchFailure}).
 *
 * <p>When the step starts, its key range (or its page range) is fixed (the largest key, or the
 * last page, is recorded as the upper bound). Rows the application inserts, updates or deletes in
 * a {@code from:} table meanwhile are captured ({@link Capture}, unless {@code capture: false}):
 * after its bulk pass each part replays the captured keys of its key range (a page walk's parts,
 * whose ranges are pages, and a match walk's, whose ranges are ordinals of its list, leave them
 * to the last part to finish, and their bulk pass skips rows already captured, which a row moved
 * to a later page would be), and the transaction that
 * records the step replays the rest under a lock of the source and removes the trigger, so the
 * target equals the source when the step ends. Without capture, rows written after their batch
 * are not copied again.
 *
 * <p>Each batch commits together with its part's checkpoint (last key, rows done) in
 * {@code cutover.backfill_checkpoint}, so a retried part goes on after its last committed batch:
 * no row twice, none skipped. Batches commit without waiting for their WAL to reach disk
 * ({@link SqlRunner.Session#runBatch}): a crash loses a batch only with its checkpoint; the
 * transaction that ends a part commits durably. Undone by {@code compensate:} SQL or, for a copy whose key is
 * copied as-is, by removing the target rows in the copied key ranges, in batches too.
 */
public final class BackfillStep extends DefinedKind<BackfillSpec> implements BatchedKind<BackfillSpec> {
  static final String NAME = "backfill";
  /** How often a part looks at lock waits and replication lag (a query on pg_locks, ~1 ms). */
  static final long LOAD_CHECK_MILLIS = 500;
  static final long PAUSE_POLL_MILLIS = 250;
  /** Batches retried in place after a dropped connection before the part fails (and Temporal retries it). */
  static final int MAX_RECONNECTS = 3;
  /** After backing off this long, a part does one batch anyway: it must not starve forever. */
  static final long MAX_BACKOFF_MILLIS = 30_000;
  /**
   * A listing chunk takes this many batch times: it holds no lock the application's writes wait
   * for, and each chunk pays the filter's hash once; the guard paces it as it paces batches.
   */
  static final int LISTING_CHUNK_TIMES = 4;
  /** A batch longer than this (the locks a batch may hold at p99) is named in the worker's log with its time. */
  static final long SLOW_BATCH_MILLIS = 100;
  private static final Logger log = LoggerFactory.getLogger(BackfillStep.class);
  /** How often a part backing off for its latency guard looks again. */
  static final long GUARD_POLL_MILLIS = 100;

  public BackfillStep() {
    super(NAME, Undo.OPTIONAL, Execution.BATCHED, BackfillSpec.class);
  }

  @Override
  public BackfillSpec read(StepFields fields) {
    return BackfillSpec.read(fields);
  }

  // ---------------------------------------------------------------- prepare

  @Override
  public int prepare(StepContext context, StepAction action) {
    BackfillSpec spec = spec(context.step());
    Checkpoints checkpoints = new Checkpoints(context.sql());
    String run = context.runId();
    String step = context.step().id();
    List<Checkpoints.Part> existing = checkpoints.parts(run, step, action);
    if (!existing.isEmpty()) {
      return existing.size();
    }
    if (action == StepAction.APPLY && spec.betweenTargets()) {
      List<Checkpoints.Part> parts = TargetCopy.parts(context, spec);
      parts.forEach(checkpoints::insert);
      return parts.size();
    }
    return action == StepAction.APPLY ? prepareApply(context, spec, checkpoints) : prepareCompensation(context, spec, checkpoints);
  }

  /**
   * Installs the change capture in a transaction of its own: CREATE TRIGGER lets the source's
   * running writes end and holds back new ones until it commits, and committed before the
   * prepare reads the source's bound (or lists the rows a filter passes, or samples the key), it
   * holds them back for milliseconds, not for those reads. A write committed after it is captured.
   */
  @Override
  public void prepareFirst(StepContext context, StepAction action) {
    BackfillSpec spec = spec(context.step());
    if (action != StepAction.APPLY || !spec.captures()
        || !new Checkpoints(context.sql()).parts(context.runId(), context.step().id(), action).isEmpty()) {
      return;
    }
    DSLContext sql = context.sql();
    String refusal = Capture.refusal(sql, spec);
    if (refusal == null) {
      Capture capture = new Capture(spec, context.runId(), context.step().id());
      if (!capture.installed(sql)) {
        capture.install(sql, context.runId(), context.step().id());
      }
    } else if (Boolean.TRUE.equals(spec.capture())) {
      throw ApplicationFailure.newNonRetryableFailure("step '" + context.step().id() + "': capture: true, but "
          + refusal + "; set capture: false to copy without capturing concurrent changes", "StepFailed");
    }
  }

  private int prepareApply(StepContext context, BackfillSpec spec, Checkpoints checkpoints) {
    DSLContext sql = context.sql();
    BackfillSql.Walk source = BackfillSql.source(spec);
    String nullColumn = BackfillSql.nullKeyColumn(sql, source);
    if (nullColumn != null) {
      throw ApplicationFailure.newNonRetryableFailure("step '" + context.step().id() + "': key column " + nullColumn
          + " is NULL in some rows of " + spec.sourceName() + "; rows with a NULL key cannot be walked in key order."
          + " Exclude them with where:, or choose a key without NULLs", "StepFailed");
    }
    // installed by prepareFirst, committed before this transaction's snapshot: a write the bound misses is captured
    boolean captured = spec.captures() && spec.from() != null
        && new Capture(spec, context.runId(), context.step().id()).installed(sql);
    WalkChoice walk = WalkChoice.choose(sql, context.step().id(), spec, source, captured);
    List<Checkpoints.Part> parts = switch (walk.kind()) {
      case PAGES -> PageWalk.parts(sql, spec, source, context.runId(), context.step().id(), walk.note());
      case MATCHES -> MatchWalk.parts(sql, spec, source, context.runId(), context.step().id(), walk.note());
      case KEY, RANGES -> keyRangeParts(context, spec, source, walk);
    };
    parts.forEach(checkpoints::insert);
    return parts.size();
  }

  /** Parts of a walk by key (in key order or by sampled key ranges): the key range now, split from a sample. */
  static List<Checkpoints.Part> keyRangeParts(StepContext context, BackfillSpec spec, BackfillSql.Walk source,
      WalkChoice walk) {
    DSLContext sql = context.sql();
    String run = context.runId();
    String step = context.step().id();
    BackfillSql.KeyAndTypes upper = BackfillSql.lastKey(sql, source, null);
    BackfillSql.KeyAndTypes first = upper == null ? null : BackfillSql.firstKey(sql, source);
    if (upper == null || first == null) {
      return List.of(new Checkpoints.Part(run, step, StepAction.APPLY, 0, 1, List.of(), null, false, null, null, 0, 0,
          0L, PartState.DONE, walk.kind(), walk.note()));
    }
    BackfillSql.Walk typed = source.withTypes(upper.types());
    boolean sampledByPage = spec.from() != null
        && WalkChoice.SAMPLED_BY_PAGE.contains(String.valueOf(BackfillSql.relationKind(sql, spec.fromTable())));
    List<List<String>> splits = BackfillSql.splitKeys(sql, typed, sampledByPage, upper.key(), spec.partitions());
    splits = splits.stream().filter(k -> !k.equals(first.key())).toList();
    int count = splits.size() + 1;
    long estimate = BackfillSql.estimateRows(sql, typed, upper.key());
    List<Checkpoints.Part> parts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      List<String> lower = i == 0 ? first.key() : splits.get(i - 1);
      List<String> up = i == count - 1 ? upper.key() : splits.get(i);
      parts.add(new Checkpoints.Part(run, step, StepAction.APPLY, i, count, upper.types(), lower, i == 0, up, null, 0, 0,
          estimate < 0 ? null : Math.max(1, estimate / count), PartState.RUNNING, walk.kind(), walk.note()));
    }
    return parts;
  }

  /**
   * Stops the apply's parts (an attempt still running writes no further batch), then fixes what
   * to remove: per apply part, the key range it copied.
   */
  private int prepareCompensation(StepContext context, BackfillSpec spec, Checkpoints checkpoints) {
    String run = context.runId();
    String step = context.step().id();
    checkpoints.stop(run, step, StepAction.APPLY);
    if (spec.from() != null && !spec.betweenTargets()) {
      new Capture(spec, run, step).remove(context.sql());
      MatchWalk.remove(context.sql(), run, step);
    }
    PlanStep planStep = context.step();
    if (planStep.irreversible() || planStep.compensate() != null || spec.inPlace()) {
      return 0; // compensate() runs the SQL, or reports the step irreversible
    }
    List<Checkpoints.Part> applied = checkpoints.parts(run, step, StepAction.APPLY).stream()
        .filter(p -> p.last() != null && p.batches() > 0)
        .toList();
    BackfillSql.Walk copied = BackfillSql.copied(spec);
    boolean replayed = checkpoints.replayed(run, step, StepAction.APPLY) > 0;
    BackfillSql.KeyAndTypes types = applied.isEmpty() && !replayed ? null : BackfillSql.lastKey(context.sql(), copied, null);
    List<Checkpoints.Part> removals = new ArrayList<>();
    if (types != null && applied.isEmpty()) { // the source was empty: every target row came from a replay
      removals.add(new Checkpoints.Part(run, step, StepAction.COMPENSATE, 0, 1, types.types(), null, false, types.key(),
          null, 0, 0, null, PartState.RUNNING, WalkKind.KEY, null));
    } else if (types != null && applied.stream().anyMatch(p -> !p.walk().walksKeys())) {
      // page ranges (and list ordinals) say nothing of keys: remove the copied key's whole span in the source (and,
      // after replays, every copied key: a replayed row may lie outside the source's span now)
      BackfillSql.Walk source = BackfillSql.source(spec);
      BackfillSql.KeyAndTypes first = BackfillSql.firstKey(context.sql(), source);
      BackfillSql.KeyAndTypes last = BackfillSql.lastKey(context.sql(), source, null);
      if (replayed || (first != null && last != null)) {
        long rows = applied.stream().mapToLong(Checkpoints.Part::rowsDone).sum();
        removals.add(new Checkpoints.Part(run, step, StepAction.COMPENSATE, 0, 1, types.types(),
            replayed ? null : first.key(), !replayed, replayed ? types.key() : last.key(), null, 0, 0, rows,
            PartState.RUNNING, WalkKind.KEY, null));
      }
    } else if (types != null) {
      int total = checkpoints.parts(run, step, StepAction.APPLY).size();
      for (int i = 0; i < applied.size(); i++) {
        Checkpoints.Part from = applied.get(i);
        // a part that replayed captured changes also wrote keys outside its range: below the first
        // part's lower bound, above the last part's upper bound
        List<String> lower = replayed && from.part() == 0 ? null : from.lower();
        List<String> upper = replayed && from.part() == total - 1 ? types.key() : from.last();
        removals.add(new Checkpoints.Part(run, step, StepAction.COMPENSATE, i, applied.size(), types.types(),
            lower, lower != null && from.lowerInclusive(), upper, null, 0, 0, from.rowsDone(), PartState.RUNNING,
            WalkKind.KEY, null));
      }
    }
    if (removals.isEmpty()) {
      removals.add(new Checkpoints.Part(run, step, StepAction.COMPENSATE, 0, 1, List.of(), null, false, null, null, 0, 0,
          0L, PartState.DONE, WalkKind.KEY, null));
    }
    removals.forEach(checkpoints::insert);
    return removals.size();
  }

  @Override
  public Optional<OffsetDateTime> firstStarted(StepContext context, StepAction action) {
    return new Checkpoints(context.sql()).firstStarted(context.runId(), context.step().id(), action);
  }

  @Override
  public boolean started(StepContext context) {
    return new Checkpoints(context.sql()).parts(context.runId(), context.step().id(), StepAction.APPLY).stream()
        .anyMatch(p -> p.batches() > 0);
  }

  // ---------------------------------------------------------------- parts

  /** What one batch transaction did; a listing chunk ({@code listing}) lists {@code rows} matches and copies none. */
  private record Batch(long rows, Checkpoints.Part part, boolean finished, Checkpoints.Control control, String backOff,
      long replayed, boolean listing) {
    Batch(long rows, Checkpoints.Part part, boolean finished, Checkpoints.Control control, String backOff) {
      this(rows, part, finished, control, backOff, 0);
    }

    Batch(long rows, Checkpoints.Part part, boolean finished, Checkpoints.Control control, String backOff,
        long replayed) {
      this(rows, part, finished, control, backOff, replayed, false);
    }
  }

  @Override
  public PartOutcome runPart(PartContext context) {
    BackfillSpec spec = spec(context.step());
    if (spec.betweenTargets() && context.action() == StepAction.APPLY) {
      return TargetCopy.runPart(context, spec);
    }
    try (LatencyGuard guard = LatencyGuard.start(spec(context.step()), context)) {
      return runPart(context, guard);
    }
  }

  private PartOutcome runPart(PartContext context, LatencyGuard guard) {
    BackfillSpec spec = spec(context.step());
    SqlRunner.Session session = context.session();
    boolean apply = context.action() == StepAction.APPLY;
    PartWalk walk = new PartWalk(spec, apply,
        new Checkpoints.PartLock(context.runId(), context.step().id(), context.action(), context.part()));
    Throttle throttle = new Throttle(spec, spec.batchTimeFor(walkOf(context, spec)), context.parts());
    Load load = new Load(spec, apply);
    long started = System.nanoTime();
    long rowsThisAttempt = 0;
    long backingOffSince = 0;
    int reconnects = 0;
    BatchTimes batchTimes = new BatchTimes();
    BatchFailure failures = new BatchFailure(spec, context.step().id(), apply);
    Checkpoints.Part part = null;
    String state = "running";
    String note = null;
    Capture replaying = apply && spec.from() != null ? captureInstalled(session, spec, context) : null;
    long replayedThisAttempt = 0;
    long listedThisAttempt = 0;
    long listingChunks = 0;
    long heldSince = 0;
    while (true) {
      session.throwIfCancelled();
      LatencyGuard.Hold held = guard == null ? null : guard.holdBack();
      if ((held != null) != (heldSince != 0)) { // the worker's log, to set holds against the application's latency
        if (held != null) {
          heldSince = System.nanoTime();
          log.info("step {} part {}: held by the latency guard ({})", context.step().id(), context.part() + 1,
              held.note());
        } else {
          log.info("step {} part {}: copying again after {} ms held", context.step().id(), context.part() + 1,
              (System.nanoTime() - heldSince) / 1_000_000);
          heldSince = 0;
        }
      }
      if (held != null) {
        if (held.reason().shrinksBatch() && backingOffSince == 0) {
          backingOffSince = System.nanoTime();
          throttle.shrink();
        }
        session.progress(progress(context, part == null ? firstRead(context) : part, rowsThisAttempt, started, throttle,
            "throttled", held.note()));
        session.sleep(GUARD_POLL_MILLIS);
        throttle.idle(GUARD_POLL_MILLIS * 1_000_000);
        continue;
      }
      boolean checkLoad = load.due() && (backingOffSince == 0
          || System.nanoTime() - backingOffSince < MAX_BACKOFF_MILLIS * 1_000_000);
      long batchStarted = System.nanoTime();
      Batch batch;
      try {
        batch = session.runBatch(spec.timeouts(), (tx, attempt) -> {
          Batch done = batch(context, spec, tx, walk, throttle, checkLoad ? load : null, replaying, failures);
          if (done.finished() || guard != null) {
            // and with it every batch before; under a guard each batch waits for its own WAL, so
            // the application's commits never queue behind a backlog of the copy's
            SqlRunner.commitDurably(tx);
          }
          return done;
        }).value();
        reconnects = 0;
      } catch (ApplicationFailure failure) {
        ApplicationFailure named = failures.explain(session.dataSource(), session.targets(), spec.timeouts(),
            (sql, in, range) -> write(context, spec, sql, in, range));
        if (named != null) {
          throw named;
        }
        // a dropped connection or a conflict: the batch rolled back with its checkpoint, so
        // running it again is exact; after a few tries the part fails and Temporal retries it
        if (failure.isNonRetryable() || ++reconnects > MAX_RECONNECTS) {
          throw failure;
        }
        session.progress(progress(context, part == null ? firstRead(context) : part, rowsThisAttempt, started, throttle,
            "retrying", failure.getOriginalMessage()));
        session.sleep(200L << reconnects);
        continue;
      }
      long batchMillis = (System.nanoTime() - batchStarted) / 1_000_000;
      part = batch.part();
      if (batch.finished()) {
        replayedThisAttempt += batch.replayed();
        state = part.stopped() ? "stopped" : "done";
        session.progress(progress(context, part, rowsThisAttempt, started, throttle, state, null));
        break;
      }
      if (batch.control().paused()) {
        if (guard != null) {
          guard.paused();
        }
        state = "paused";
        note = "paused by " + batch.control().pausedBy() + "; `cutover resume` goes on";
        session.progress(progress(context, part, rowsThisAttempt, started, throttle, state, note));
        session.sleep(PAUSE_POLL_MILLIS);
        throttle.idle(PAUSE_POLL_MILLIS * 1_000_000);
        continue;
      }
      if (batch.backOff() != null) {
        if (backingOffSince == 0) {
          backingOffSince = System.nanoTime();
          throttle.shrink();
        }
        session.progress(progress(context, part, rowsThisAttempt, started, throttle, "throttled", batch.backOff()));
        session.sleep(LOAD_CHECK_MILLIS);
        throttle.idle(LOAD_CHECK_MILLIS * 1_000_000);
        continue;
      }
      backingOffSince = 0;
      if (batch.part().state() == PartState.REPLAYING) {
        replayedThisAttempt += batch.replayed();
        session.progress(progress(context, part, rowsThisAttempt, started, throttle, "replaying",
            String.format(Locale.ROOT, "replayed %,d captured changes", replayedThisAttempt)));
        session.sleep(spec.pauseBetween().toMillis());
        continue;
      }
      if (batch.listing()) {
        if (part.state() == PartState.LISTING) {
          listedThisAttempt += batch.rows();
          listingChunks++;
          if (batchMillis > SLOW_BATCH_MILLIS) {
            log.info("step {} part {}: a listing chunk of {} matches took {} ms", context.step().id(),
                context.part() + 1, batch.rows(), batchMillis);
          }
          throttle.target(LISTING_CHUNK_TIMES);
          throttle.record(batch.rows(), batchMillis);
        } else {
          throttle.restart(); // batches of the list cost what a copy does, not what listing did
        }
        long wait = guard == null ? 0 : guard.pauseAfter(batchMillis, 0);
        session.progress(progress(context, part, rowsThisAttempt, started, throttle, "listing",
            String.format(Locale.ROOT, "listed %,d matches of the filter in %,d chunks this attempt", listedThisAttempt,
                listingChunks) + (guard == null ? "" : "; " + guard.note())));
        session.sleep(wait);
        continue;
      }
      rowsThisAttempt += batch.rows();
      throttle.record(batch.rows(), batchMillis);
      throttle.counted(batch.rows());
      batchTimes.add(batchMillis);
      if (batchMillis > SLOW_BATCH_MILLIS) {
        log.info("step {} part {}: a batch of {} rows took {} ms", context.step().id(), context.part() + 1, batch.rows(),
            batchMillis);
      }
      cutover.activities.StepMetrics.batchCommitted(context.target(), context.step().kind(), context.action(), batch.rows(), batchMillis);
      long wait = throttle.waitMillis();
      state = wait > 0 && throttle.ratePerPart() > 0 ? "throttled" : "running";
      note = wait > 0 ? throttle.rateNote() : throttle.tunedBy() == null ? null : "tuned by " + throttle.tunedBy();
      if (guard != null) {
        long paced = guard.pauseAfter(batchMillis, wait);
        if (paced > wait) {
          wait = paced;
          state = "throttled";
        }
        note = note == null ? guard.note() : note + "; " + guard.note();
      }
      session.progress(progress(context, part, rowsThisAttempt, started, throttle, state, note));
      session.sleep(wait);
    }
    String guarded = guard == null ? null : guard.summary();
    if (part.stopped() && apply) {
      throw ApplicationFailure.newNonRetryableFailure("step '" + context.step().id() + "' part " + (context.part() + 1)
          + " was stopped: a compensation of the step has begun", "StepStopped");
    }
    String verb = !apply ? "removed" : spec.inPlace() ? "updated" : "copied";
    return new PartOutcome(part.rowsDone(), part.batches(), rowsThisAttempt, batchTimes.percentile(50),
        batchTimes.percentile(99), batchTimes.max(), String.format(Locale.ROOT,
            "part %d/%d %s %,d rows in %,d batches (batch p99 %d ms%s)%s", context.part() + 1, context.parts(), verb,
            part.rowsDone(), part.batches(), batchTimes.percentile(99), throttle.overheadNote(),
            (listingChunks == 0 ? "" : String.format(Locale.ROOT, ", after listing %,d matches in %,d chunks paced by"
                + " the guard", listedThisAttempt, listingChunks))
            + (replaying == null ? "" : String.format(Locale.ROOT, ", replayed %,d captured changes this attempt",
                replayedThisAttempt)))
        + (guarded == null ? "" : "; " + guarded));
  }

  /** The step's capture when its trigger is in place, else null (capture off, refused, or removed by a compensation). */
  private static Capture captureInstalled(SqlRunner.Session session, BackfillSpec spec, PartContext context) {
    Capture capture = new Capture(spec, context.runId(), context.step().id());
    return session.run(spec.timeouts(), (tx, attempt) -> capture.installed(tx)).value() ? capture : null;
  }

  /** How long each batch transaction of this attempt took (and so held its locks), in ms. */
  static final class BatchTimes {
    private long[] millis = new long[64];
    private int size;

    void add(long value) {
      if (size == millis.length) {
        millis = java.util.Arrays.copyOf(millis, size * 2);
      }
      millis[size++] = value;
    }

    long percentile(int p) {
      if (size == 0) {
        return 0;
      }
      long[] sorted = java.util.Arrays.copyOf(millis, size);
      java.util.Arrays.sort(sorted);
      return sorted[Math.min(size - 1, (int) Math.ceil(p / 100.0 * size) - 1)];
    }

    long max() {
      return percentile(100);
    }
  }

  /** The walk the part's prepare chose (its batches' default time depends on it). */
  private static WalkKind walkOf(PartContext context, BackfillSpec spec) {
    return context.session().run(spec.timeouts(), (tx, attempt) ->
        new Checkpoints(tx).parts(context.runId(), context.step().id(), context.action()).stream()
            .filter(part -> part.part() == context.part()).map(Checkpoints.Part::walk).findFirst()
            .orElse(WalkKind.KEY)).value();
  }

  /** A placeholder before the part's first batch was read: progress needs a part. */
  static Checkpoints.Part firstRead(PartContext context) {
    return new Checkpoints.Part(context.runId(), context.step().id(), context.action(), context.part(), context.parts(),
        List.of(), null, false, null, null, 0, 0, null, PartState.RUNNING, WalkKind.KEY, null);
  }

  /**
   * One transaction: lock the checkpoint, read the operators' controls (a pause or a tune takes
   * effect here, before any work), maybe look at the load, then one batch.
   */
  private Batch batch(PartContext context, BackfillSpec spec, DSLContext tx, PartWalk walk, Throttle throttle,
      Load load, Capture capture, BatchFailure failures) {
    DSLContext sql = PlanSql.asWritten(tx); // statements that hold plan SQL; the ledger's own are prepared
    Checkpoints checkpoints = new Checkpoints(tx);
    String step = context.step().id();
    Checkpoints.Locked locked = walk.lock().lock(tx)
        .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure("step '" + step + "' has no part "
            + context.part() + " to " + context.action() + ": its parts were not prepared", "StepFailed"));
    Checkpoints.Part part = locked.part();
    Checkpoints.Control control = locked.control();
    if (part.done() || part.stopped() || part.upper() == null) {
      return new Batch(-1, part, true, control, null);
    }
    if (control.paused()) {
      return new Batch(-1, part, false, control, null);
    }
    if (load != null) {
      String backOff = load.check(sql);
      if (backOff != null) {
        return new Batch(-1, part, false, control, backOff);
      }
    }
    throttle.tune(control);
    if (part.state() == PartState.LISTING) {
      return list(context, spec, checkpoints, sql, walk, part, control, throttle.size());
    }
    if (part.state() == PartState.REPLAYING) {
      return replay(context, checkpoints, sql, walk.relation().withTypes(part.keyTypes()), part, control, capture,
          Math.min(Capture.REPLAY_BATCH, throttle.size()));
    }
    BatchWalk batches = walk.of(sql, part);
    BatchWalk.Range range = batches.next(sql, part, throttle.size());
    if (range == null) {
      if (capture != null) {
        checkpoints.replaying(part);
        return new Batch(0, part.withState(PartState.REPLAYING), false, control, null);
      }
      checkpoints.finish(part);
      return new Batch(0, part.withState(PartState.DONE), true, control, null);
    }
    int rows;
    if (context.action() == StepAction.APPLY && spec.inPlace()) {
      Capture.markOwnWrites(sql);
    }
    if (capture != null && !part.walk().walksKeys() && context.action() == StepAction.APPLY && !spec.inPlace()) {
      // a row changed since the capture began is copied by its replay; read here it may be a row
      // copied already and moved by an update to a page ahead (or, in a match walk's list, as it was before a change)
      BackfillSql.Walk rowsOf = walk.bulk(part).withTypes(part.keyTypes());
      rows = failures.watch(sql, rowsOf, range.rows().and(capture.notCaptured(rowsOf.relation())),
          (on, in, taken) -> write(context, spec, on, in, taken));
    } else {
      rows = failures.watch(sql, walk.bulk(part).withTypes(part.keyTypes()), range.rows(),
          (on, in, rowsOf) -> write(context, spec, on, in, rowsOf));
    }
    batches.observe(range, rows);
    checkpoints.advance(part, range.end(), rows);
    return new Batch(rows, part.advancedTo(range.end(), rows), false, control, null);
  }

  /**
   * One listing chunk of a guarded match walk's part: the matches of its next source pages added
   * to the list, committed with the page reached; past its last page, the part copies the list.
   */
  private static Batch list(PartContext context, BackfillSpec spec, Checkpoints checkpoints, DSLContext sql,
      PartWalk walk, Checkpoints.Part part, Checkpoints.Control control, int size) {
    BatchWalk pages = walk.listing();
    BatchWalk.Range range = pages.next(sql, part, size);
    if (range == null) {
      MatchWalk.Size list = MatchWalk.size(sql, context.runId(), context.step().id());
      return new Batch(0, checkpoints.listed(part, list.pages(), list.rows()), false, control, null, 0, true);
    }
    int listed = MatchWalk.list(sql, spec, walk.relation(), context.runId(), context.step().id(), range.rows());
    pages.observe(range, listed);
    checkpoints.listedTo(part, range.end());
    return new Batch(listed, part.listedTo(range.end()), false, control, null, 0, true);
  }

  /** A batch's write of its range: a copy, an update in place, or (compensating) a removal. */
  private static int write(PartContext context, BackfillSpec spec, DSLContext sql, BackfillSql.Walk walk,
      Condition range) {
    if (context.action() != StepAction.APPLY) {
      return BackfillSql.remove(sql, walk, range);
    }
    return spec.inPlace() ? BackfillSql.update(sql, spec, walk, range) : BackfillSql.copy(sql, spec, walk, range);
  }

  /**
   * One replay batch of a part past its bulk pass: the captured changes in the part's key range
   * (the first part's reaches down, the last part's up, past the range fixed at the start); once
   * every other part is done, all of them, since no bulk pass runs any more. A part of a page walk
   * has no key range: it replays only when it is the last, and otherwise is done (the last one
   * replays what it captured). The part is done when nothing is left to take. Replays take turns,
   * so of parts ending together the last sees the others done and drains everything; what the
   * application changes after that is replayed by the step's last transaction.
   */
  private static Batch replay(PartContext context, Checkpoints checkpoints, DSLContext sql, BackfillSql.Walk keyed,
      Checkpoints.Part part, Checkpoints.Control control, Capture capture, int size) {
    if (capture == null) { // the capture was removed (the step is being compensated); the bulk pass is done
      checkpoints.finish(part);
      return new Batch(0, part.withState(PartState.DONE), true, control, null);
    }
    capture.takeTurn(sql);
    boolean last = checkpoints.othersDone(part);
    if (!last && !part.walk().walksKeys()) {
      checkpoints.finish(part);
      return new Batch(0, part.withState(PartState.DONE), true, control, null);
    }
    Condition range = last ? null
        : keyed.range(part.part() == 0 ? null : part.lower(), part.part() == 0 || part.lowerInclusive(),
            part.part() == context.parts() - 1 ? null : part.upper());
    int replayed = capture.replay(sql, range, size);
    if (replayed > 0) {
      checkpoints.replayed(part, replayed);
    }
    // while the application writes steadily, keys arrive during every pause between batches, so an
    // empty backlog may never be seen: a batch that found fewer than a small tail leaves what comes
    // after it to the step's last transaction, which replays the rest under a lock of the source
    if (replayed < Math.min(size, Capture.REPLAY_TAIL)) {
      checkpoints.finish(part);
      return new Batch(0, part.withState(PartState.DONE), true, control, null, replayed);
    }
    return new Batch(0, part, false, control, null, replayed);
  }

  /**
   * The walk of a part, made at its first batch from the walk its checkpoint names: the source
   * (or, compensating, the copied rows of the target) and one {@link BatchWalk} per attempt.
   */
  private static final class PartWalk {
    private final BackfillSpec spec;
    private final BackfillSql.Walk relation;
    private final Checkpoints.PartLock lock;
    private BatchWalk walk;
    private BatchWalk listing;

    PartWalk(BackfillSpec spec, boolean apply, Checkpoints.PartLock lock) {
      this.spec = spec;
      this.relation = apply ? BackfillSql.source(spec) : BackfillSql.copied(spec);
      this.lock = lock;
    }

    /** The statement each batch begins with: the part's checkpoint locked, with the operators' controls. */
    Checkpoints.PartLock lock() {
      return lock;
    }

    BackfillSql.Walk relation() {
      return relation;
    }

    /** The page walk of the source a listing part lists the filter's matches by. */
    BatchWalk listing() {
      if (listing == null) {
        listing = new PageWalk(relation);
      }
      return listing;
    }

    /** The rows a part's bulk pass reads: the relation, or a match walk's list of the filter's matches. */
    BackfillSql.Walk bulk(Checkpoints.Part part) {
      return part.walk() == WalkKind.MATCHES ? MatchWalk.listed(spec, part.runId(), part.stepId()) : relation;
    }

    BatchWalk of(DSLContext sql, Checkpoints.Part part) {
      if (walk == null) {
        walk = switch (part.walk()) {
          case KEY -> new KeyWalk(relation);
          case PAGES -> new PageWalk(relation);
          case MATCHES -> new PageWalk(bulk(part));
          case RANGES -> new RangeWalk(relation, spec.from() != null
              && WalkChoice.SAMPLED_BY_PAGE.contains(String.valueOf(BackfillSql.relationKind(sql, spec.fromTable()))));
        };
      }
      return walk;
    }
  }

  static StepProgress progress(PartContext context, Checkpoints.Part part, long rowsThisAttempt, long started,
      Throttle throttle, String state, String note) {
    double seconds = (System.nanoTime() - started) / 1e9;
    double rate = seconds > 0 ? rowsThisAttempt / seconds : 0;
    Long estimate = part.estimatedRows();
    Long eta = null;
    if ("done".equals(state)) {
      eta = 0L;
    } else if (estimate != null && rate > 0) {
      eta = Math.max(0, Math.round((estimate - part.rowsDone()) / rate));
    }
    return new StepProgress(context.step().id(), context.action(), context.part(), context.parts(), part.rowsDone(),
        estimate, Math.round(rate * 10) / 10.0, eta, throttle.size(), part.batches(), state, note);
  }

  /**
   * The load a backfill watches between batches: the longest current lock wait of a session
   * that waits on, or holds a lock of, a table the backfill touches; and the replication lag.
   */
  static final class Load {
    private final BackfillSpec spec;
    private final List<List<String>> tables = new ArrayList<>();
    private Long[] oids;
    private long lastCheck;

    Load(BackfillSpec spec, boolean apply) {
      this.spec = spec;
      if (spec.from() != null && apply && !spec.betweenTargets()) {
        tables.add(spec.fromTable());
      }
      if (spec.intoTable() != null) {
        tables.add(spec.intoTable());
      }
    }

    boolean due() {
      return System.nanoTime() - lastCheck >= LOAD_CHECK_MILLIS * 1_000_000;
    }

    /**
     * Why to back off now, or null. One query: the longest lock wait on the touched tables, and the replica lag.
     * The tables' OIDs are looked up at the first check and bound, so the query's text is the same each time
     * and the server plans it once, not every half second.
     */
    String check(DSLContext sql) {
      lastCheck = System.nanoTime();
      if (oids == null) {
        oids = tables.stream()
            .map(t -> sql.select(DSL.function(DSL.name("to_regclass"), SQLDataType.OTHER,
                DSL.val(sql.render(BackfillSql.table(t)))).cast(SQLDataType.BIGINT)).fetchOne(0, Long.class))
            .filter(java.util.Objects::nonNull)
            .toArray(Long[]::new);
      }
      Field<Long[]> touched = DSL.val(oids, SQLDataType.BIGINT.array());
      org.jooq.Record2<Long, Long> load = sql.select(
          DSL.field("(SELECT coalesce(max(extract(epoch FROM clock_timestamp() - w.waitstart) * 1000), 0)::bigint"
              + " FROM pg_catalog.pg_locks w"
              + " WHERE NOT w.granted AND w.waitstart IS NOT NULL AND w.pid <> pg_backend_pid()"
              + " AND (w.relation::bigint = ANY({0}) OR EXISTS (SELECT 1 FROM pg_catalog.pg_locks h"
              + " WHERE h.pid = w.pid AND h.granted AND h.relation::bigint = ANY({0}))))", SQLDataType.BIGINT, touched),
          DSL.field("(SELECT coalesce(max(extract(epoch FROM greatest(write_lag, flush_lag, replay_lag)) * 1000), 0)"
              + "::bigint FROM pg_catalog.pg_stat_replication)", SQLDataType.BIGINT))
          .fetchOne();
      long waited = load == null || load.value1() == null ? 0 : load.value1();
      long lag = load == null || load.value2() == null ? 0 : load.value2();
      if (waited > spec.maxLockWait().toMillis()) {
        return String.format(Locale.ROOT, "backing off: a session has waited %,d ms for a lock on %s (maxLockWait %,d ms)",
            waited, String.join(", ", tables.stream().map(t -> String.join(".", t)).toList()),
            spec.maxLockWait().toMillis());
      }
      if (lag > spec.maxReplicationLag().toMillis()) {
        return String.format(Locale.ROOT, "backing off: replication lag %,d ms (maxReplicationLag %,d ms)", lag,
            spec.maxReplicationLag().toMillis());
      }
      return null;
    }
  }

  // ---------------------------------------------------------------- finish

  @Override
  public StepOutcome apply(StepContext context, BackfillSpec spec) {
    List<Checkpoints.Part> parts = finished(context, StepAction.APPLY);
    if (spec.betweenTargets()) {
      return TargetCopy.applied(spec, parts);
    }
    String captured = endCapture(context, spec, parts);
    if (spec.from() != null) {
      MatchWalk.remove(context.sql(), context.runId(), context.step().id());
    }
    long rows = parts.stream().mapToLong(Checkpoints.Part::rowsDone).sum();
    long batches = parts.stream().mapToLong(Checkpoints.Part::batches).sum();
    if (parts.size() == 1 && parts.get(0).upper() == null) {
      return new StepOutcome("nothing to " + (spec.inPlace() ? "update" : "copy") + ": " + spec.sourceName()
          + " had no rows" + (spec.where() == null ? "" : " matching where:") + captured, 0L);
    }
    String what = spec.inPlace()
        ? String.format(Locale.ROOT, "updated %,d rows of %s", rows, spec.sourceName())
        : String.format(Locale.ROOT, "copied %,d rows from %s into %s", rows, spec.sourceName(),
            String.join(".", spec.intoTable()));
    String guarded = LatencyGuard.outcome(context.sql(), spec, context.runId(), context.step().id(), StepAction.APPLY);
    Checkpoints.Part first = parts.get(0);
    return new StepOutcome(what + String.format(Locale.ROOT, " in %d part%s, %,d batches; walk: %s", parts.size(),
        parts.size() == 1 ? "" : "s", batches, first.walk().word())
        + (first.walkNote() == null ? "" : " (" + first.walkNote() + ")") + captured
        + (guarded == null ? "" : "; " + guarded), rows);
  }

  /**
   * Ends the capture exactly, in the transaction that records the step: holds back the source's
   * writers, replays what is still captured, and removes the trigger (the trigger's drop takes an
   * ACCESS EXCLUSIVE lock for the few ms until this commits). Returns what the outcome says of it.
   */
  private static String endCapture(StepContext context, BackfillSpec spec, List<Checkpoints.Part> parts) {
    if (Boolean.FALSE.equals(spec.capture())) {
      return "";
    }
    DSLContext sql = context.sql();
    Capture capture = spec.from() == null ? null : new Capture(spec, context.runId(), context.step().id());
    if (capture == null || !capture.installed(sql)) {
      String refusal = Capture.refusal(sql, spec);
      return refusal == null ? "" : "; changes not captured: " + refusal
          + " (rows the application changed during the copy may differ; set capture: false to say so)";
    }
    Checkpoints checkpoints = new Checkpoints(sql);
    capture.takeTurn(sql);
    long locked = System.nanoTime();
    capture.lockSource(sql);
    long last = 0;
    for (int taken; (taken = capture.replay(sql, null, Capture.FINAL_BATCH)) > 0; ) {
      last += taken;
    }
    long backlog = capture.backlog(sql, null);
    capture.remove(sql);
    log.info("step {}: the last transaction locked {}, replayed {} captured changes and removed the capture in {} ms"
        + " (the source's writers wait until it commits)", context.step().id(), spec.sourceName(), last,
        (System.nanoTime() - locked) / 1_000_000);
    Checkpoints.Part lastPart = parts.get(parts.size() - 1);
    checkpoints.replayed(lastPart, last);
    long replayed = checkpoints.replayed(context.runId(), context.step().id(), StepAction.APPLY);
    return String.format(Locale.ROOT, "; replayed %,d captured changes (%,d in the last transaction, under a lock of %s),"
        + " final backlog %d", replayed, last, spec.sourceName(), backlog);
  }

  @Override
  public StepOutcome compensate(StepContext context, BackfillSpec spec) {
    PlanStep step = context.step();
    if (step.compensate() != null) {
      long rows = PlanSql.execute(context, step.compensate());
      return new StepOutcome("compensation ran, " + StepOutcome.rows(rows), rows);
    }
    List<Checkpoints.Part> parts = finished(context, StepAction.COMPENSATE);
    long rows = parts.stream().mapToLong(Checkpoints.Part::rowsDone).sum();
    return new StepOutcome(String.format(Locale.ROOT, "removed %,d copied rows from %s", rows,
        String.join(".", spec.intoTable())), rows);
  }

  private static List<Checkpoints.Part> finished(StepContext context, StepAction action) {
    List<Checkpoints.Part> parts = new Checkpoints(context.sql()).parts(context.runId(), context.step().id(), action);
    String step = context.step().id();
    if (parts.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("step '" + step + "' cannot be recorded as "
          + (action == StepAction.APPLY ? "applied" : "compensated") + ": its parts were never prepared", "StepFailed");
    }
    List<String> open = parts.stream().filter(p -> !p.done()).map(p -> String.valueOf(p.part() + 1)).toList();
    if (!open.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("step '" + step + "' is not finished: part(s) " + String.join(", ", open)
          + " of " + parts.size() + " have not reached the end of their key range; retry the step", "StepFailed");
    }
    return parts;
  }
}
