package cutover.activities.steps.backfill;

import static cutover.db.Tables.BACKFILL_GUARD;
import static cutover.db.Tables.LATENCY_PROBE;
import static org.jooq.impl.DSL.name;

import cutover.activities.StepAction;
import cutover.activities.Targets;
import cutover.activities.steps.PartContext;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.conf.ParamType;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latency guard of one backfill part: a thread with a connection of its own runs the probe
 * every {@code every:}, for one {@code window:} before the part's first batch (its baseline, kept
 * in {@code cutover.backfill_guard} for later attempts) and while the part copies. The limit is
 * {@code ratio:} x the baseline's p99.
 *
 * <p>The part copies a {@link CopyShare} of the time, pausing after each batch: on 2 cores the
 * application's writes beside a batch are slower whatever the batch's size, so what keeps their
 * p99 is how much of the time batches run. The share is halved by new probes over the limit while
 * more than {@link #BUDGET} of the probes of the last {@link #BUDGET_WINDOWS} windows are over it
 * (a p99 within the limit allows 1%). At its lowest share while the window's p99 is over the
 * limit, and while a probe runs past the limit (a lock wait), the part holds off altogether. Under
 * a guard each batch commits durably: the application's commits never queue behind a backlog of
 * the copy's WAL.
 *
 * <p>Every {@link #QUIET_EVERY_WINDOWS} windows the part holds off for one, and the probes of its
 * second half join the baseline's (the newest {@link #QUIET_PROBES}): a baseline of a few seconds
 * before the copy may have caught a stall of a shared VM (its p99 with nothing else running ranges
 * 2-150 ms), and a quiet hold lowers it. It never raises it above the one measured before the
 * first batch: a hold of a second or two still has the copy's aftermath in it (its WAL and dirty
 * pages written out), and measured from outside a rebase that could rise took the limit with it
 * (5.2 to 8.8 ms) while the application's writes were 5x slower. An operator's pause of the copy
 * counts as such a hold: its probes join the baseline's, and the share does not grow while nothing
 * is copied.
 *
 * <p>The probe's text never leaves the worker: notes, outcomes and failures name the guard's
 * figures and the SQLSTATE, not the SQL.
 */
final class LatencyGuard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LatencyGuard.class);
  /** Every this many windows the part holds off for one, and the second half's probes join the baseline. */
  static final int QUIET_EVERY_WINDOWS = 10;
  /**
   * The first quiet hold comes after this many windows of copying: a copy of a few seconds would
   * otherwise be judged against its first baseline alone.
   */
  static final int FIRST_QUIET_AFTER_WINDOWS = 2;
  /** The baseline keeps this many probes, the newest. */
  static final int QUIET_PROBES = 500;
  /** Probes run before the baseline's, not counted. */
  static final int WARM_UP_PROBES = 5;
  /** The baseline's probes are cut into this many stretches: see {@link #baselineP99}. */
  static final int BASELINE_PARTS = 4;
  /** The baseline is one window of probes at the probe's cadence, but never longer than this. */
  static final long MAX_BASELINE_MILLIS = 10_000;
  /** The share of probes over the limit the guard allows itself: half of what a p99 within it would. */
  static final double BUDGET = 0.005;
  /** The budget counts the probes of this many recent windows. */
  static final int BUDGET_WINDOWS = 5;
  /** Fewer probes in the window say nothing yet. */
  static final int MIN_PROBES = 5;
  /**
   * The limit is never closer than this above the baseline: below a millisecond the probe's own
   * noise (a GC pause of the worker, the scheduler of a busy machine) decides, not the backfill.
   */
  static final long MIN_EXCESS_MICROS = 1_000;
  /** After backing off this long without a break, the part does one batch anyway: it must not starve forever. */
  static final long MAX_BACKOFF_MILLIS = BackfillStep.MAX_BACKOFF_MILLIS;

  /** The default probe: a one-row upsert into cutover.latency_probe, keyed by the probe's backend. */
  private static final String DEFAULT_PROBE = DSL.using(SQLDialect.POSTGRES).insertInto(LATENCY_PROBE)
      .set(LATENCY_PROBE.PID, DSL.function(name("pg_backend_pid"), SQLDataType.INTEGER))
      .set(LATENCY_PROBE.PROBED_AT, DSL.currentOffsetDateTime())
      .onConflict(LATENCY_PROBE.PID)
      .doUpdate()
      .set(LATENCY_PROBE.PROBED_AT, DSL.excluded(LATENCY_PROBE.PROBED_AT))
      .getSQL(ParamType.INLINED);
  private static final String QUERY_CANCELED = "57014";
  private static final String LOCK_NOT_AVAILABLE = "55P03";

  private final GuardSpec spec;
  private final DataSource dataSource;
  private final Targets targets;
  private final String runId;
  private final String stepId;
  private final StepAction action;
  private final int part;
  private volatile long limitMicros;
  private volatile long baselineMicros;
  /** The baseline measured before the part's first batch (or stored by an earlier attempt): the highest it gets. */
  private final long firstBaselineMicros;
  /** The baseline's probes: the first window's, then those of the quiet holds; guarded by itself. */
  private final ArrayDeque<Long> quietProbes = new ArrayDeque<>();
  /** When the running quiet hold began (nanoTime), 0 outside one; when the next one is due. */
  private volatile long quietSince;
  private long quietDue;
  /** Since when an operator's pause has held the part's copy (nanoTime), 0 while it copies. */
  private volatile long pausedSince;
  /** {nanoTime, micros} of the probes of the last {@link #BUDGET_WINDOWS} windows, oldest first; guarded by itself. */
  private final ArrayDeque<long[]> recent = new ArrayDeque<>();
  /** The probes taken while the part copied (not while it backed off). */
  private final Latencies copying = new Latencies();
  private final Thread prober;
  private Connection connection;
  private volatile boolean stopped;
  private volatile boolean backingOff;
  private volatile String failure;
  /** When the running probe's statement started (nanoTime), 0 between probes. */
  private volatile long probeStarted;
  /** Probes over the limit while the part copied, counted by the prober. */
  private final AtomicLong overs = new AtomicLong();
  /** The share of the time the part copies, and what it has seen of the prober's count; the part's thread only. */
  private final CopyShare share;
  private long oversSeen;
  private long backingOffSince;
  private long backedOffNanos;
  private long backOffs;
  private long worstMicros;
  private long lastP99Micros;

  private LatencyGuard(GuardSpec spec, PartContext context, DataSource dataSource, Targets targets) {
    this.spec = spec;
    this.dataSource = dataSource;
    this.targets = targets;
    this.runId = context.runId();
    this.stepId = context.step().id();
    this.action = context.action();
    this.part = context.part();
    this.firstBaselineMicros = baseline();
    this.baselineMicros = firstBaselineMicros;
    this.limitMicros = limit(spec, baselineMicros);
    this.quietDue = System.nanoTime() + FIRST_QUIET_AFTER_WINDOWS * spec.window().toNanos();
    this.share = new CopyShare(spec.window().toNanos(), System.nanoTime());
    this.prober = new Thread(this::probeEvery, "cutover-guard-" + stepId + "-" + part);
    prober.setDaemon(true);
    prober.start();
  }

  /**
   * The guard of an apply's part, its baseline measured (or read back), probing; null when the
   * plan turned it off, and for a compensation.
   */
  static LatencyGuard start(BackfillSpec spec, PartContext context) {
    // a compensation removes what was copied as fast as it can: a rollback is when time counts
    if (spec.guard() == null || context.action() != StepAction.APPLY) {
      return null;
    }
    return new LatencyGuard(spec.guard(), context, context.session().dataSource(), context.session().targets());
  }

  // ---------------------------------------------------------------- the part's side

  /** Why a guard holds the part off its next batch. */
  enum HoldReason {
    /** The guard's own pause, to measure its baseline again: nothing is slow. */
    QUIET,
    /** The probe's p99 is over the limit with the part copying its lowest share of the time. */
    SLOW,
    /** A probe has run past the limit and is still running: waiting on a lock, most likely. */
    LOCK;

    /**
     * Whether a smaller batch could help: for a lock wait (a batch holds its locks for less
     * time), not for slow probes (beside a batch of any size the writes are slower: what helps
     * is batches running less of the time, which the share does; halved at each back-off, a
     * batch sank to the smallest, and its fixed costs slowed the copy tenfold).
     */
    boolean shrinksBatch() {
      return this == LOCK;
    }
  }

  /** The part holds off its next batch, for a reason; the note is for its progress. */
  record Hold(HoldReason reason, String note) {}

  /**
   * Why the part should not run its next batch now, or null. Fails the part when the probe
   * itself failed (an error other than its timeouts).
   */
  Hold holdBack() {
    if (failure != null) {
      throw ApplicationFailure.newNonRetryableFailure(targets.redact("step '" + stepId
          + "': the latency guard's probe failed: " + failure + ". Fix guard: probe: (or remove it for the default"
          + " probe), or turn the guard off with guard: false, then retry the step"), "StepFailed");
    }
    long now = System.nanoTime();
    long windowNanos = spec.window().toNanos();
    long[] window = window(now, windowNanos);
    if (window.length >= MIN_PROBES) {
      lastP99Micros = p99(window);
    }
    if (pausedSince != 0) {
      return null; // the batch finds whether the pause goes on; a paused copy slows nobody
    }
    if (quietSince == 0 && now >= quietDue) {
      quietSince = now;
    }
    if (quietSince != 0) {
      if (now - quietSince < windowNanos) {
        return new Hold(HoldReason.QUIET, "latency guard: measuring its baseline again, the copy held for "
            + seconds(spec.window().toMillis()));
      }
      quietSince = 0;
      quietDue = now + QUIET_EVERY_WINDOWS * windowNanos;
      rebase();
    }
    adjustShare(now);
    HoldReason reason = share.atLowest() && window.length >= MIN_PROBES && lastP99Micros > limitMicros
        ? HoldReason.SLOW : null;
    long started = probeStarted;
    long inFlightMicros = started == 0 ? 0 : (now - started) / 1_000;
    if (inFlightMicros > limitMicros) {
      // a probe still running (waiting on a lock, say) is at least that slow
      lastP99Micros = Math.max(lastP99Micros, inFlightMicros);
      reason = HoldReason.LOCK;
    }
    if (reason != null && !(backingOff && now - backingOffSince > MAX_BACKOFF_MILLIS * 1_000_000)) {
      if (!backingOff) {
        backingOff = true;
        backingOffSince = now;
        backOffs++;
      }
      worstMicros = Math.max(worstMicros, lastP99Micros);
      return new Hold(reason, String.format(Locale.ROOT, "latency guard backing off: probe p99 %s over the last %s"
              + " > %s x baseline %s; backed off %s", ms(lastP99Micros), seconds(spec.window().toMillis()),
          spec.ratio().stripTrailingZeros().toPlainString(), ms(baselineMicros), seconds(backedOffMillis(now))));
    }
    if (backingOff) {
      backedOffNanos += now - backingOffSince;
      backingOff = false;
    }
    return null;
  }

  /**
   * How long the part pauses after a batch that took {@code batchMillis}, so that its batches take
   * the guard's share of the time, when that is longer than the {@code pause} it would take anyway;
   * what the guard adds counts as backed off.
   */
  long pauseAfter(long batchMillis, long pause) {
    resumed();
    long paced = share.pauseAfter(batchMillis);
    if (paced <= pause) {
      return pause;
    }
    backedOffNanos += (paced - pause) * 1_000_000;
    return paced;
  }

  /**
   * The part's copy is paused (by an operator): until its next batch its probes are quiet ones,
   * as in the guard's own holds, and the share stands still: a paused window is no evidence that
   * copying is harmless.
   */
  void paused() {
    if (pausedSince == 0) {
      pausedSince = System.nanoTime();
    }
  }

  /** After a batch: a pause of a window or more measured the baseline again, as a quiet hold does. */
  private void resumed() {
    long since = pausedSince;
    if (since == 0) {
      return;
    }
    long now = System.nanoTime();
    pausedSince = 0;
    share.hold(now);
    if (now - since >= spec.window().toNanos()) {
      rebase();
      quietDue = Math.max(quietDue, now + QUIET_EVERY_WINDOWS * spec.window().toNanos());
    }
  }

  /** The baseline and limit again ({@link #rebased}), over the first window's probes and the quiet holds' since. */
  private void rebase() {
    long[] probes;
    synchronized (quietProbes) {
      probes = quietProbes.stream().mapToLong(Long::longValue).toArray();
    }
    if (probes.length >= MIN_PROBES) {
      long before = baselineMicros;
      baselineMicros = rebased(firstBaselineMicros, probes);
      limitMicros = limit(spec, baselineMicros);
      if (baselineMicros != before) {
        log.info("step {} part {}: latency guard's baseline {} -> {} (limit {})", stepId, part + 1, ms(before),
            ms(baselineMicros), ms(limitMicros));
      }
    }
  }

  /**
   * The baseline after a quiet hold: by the same rule as the first ({@link #baselineP99}) over
   * the newest quiet probes, but never above the first.
   */
  static long rebased(long firstMicros, long[] quietProbes) {
    return Math.min(firstMicros, baselineP99(quietProbes));
  }

  private void adjustShare(long now) {
    long seen = overs.get();
    boolean slowProbes = seen > oversSeen;
    oversSeen = seen;
    share.look(now, slowProbes, slowProbes && overBudget(now));
    if (slowProbes) {
      worstMicros = Math.max(worstMicros, lastP99Micros);
    }
  }

  private boolean overBudget(long now) {
    long[] horizon = window(now, spec.window().toNanos() * BUDGET_WINDOWS);
    long over = Arrays.stream(horizon).filter(micros -> micros > limitMicros).count();
    return over > BUDGET * horizon.length;
  }

  /** What the guard holds, for the part's progress while it copies. */
  String note() {
    return String.format(Locale.ROOT, "latency guard: probe p99 %s, baseline %s, limit %s; copying %s of the time;"
            + " backed off %s", ms(lastP99Micros), ms(baselineMicros), ms(limitMicros), percent(share.share()),
        seconds(backedOffMillis(System.nanoTime())));
  }

  /**
   * "latency guard: probe p99 baseline 1.1 ms, 1.4 ms while copying (limit 1.7 ms); backed off 3.2s
   * (4 times); copied down to 13% of the time", the last only when the share fell below its first.
   */
  String summary() {
    return describe(baselineMicros, copying.p99(), limitMicros, backedOffMillis(System.nanoTime()), backOffs)
        + (share.lowest() < CopyShare.FIRST
            ? String.format(Locale.ROOT, "; copied down to %s of the time", percent(share.lowest())) : "");
  }

  /** "13%", and below 1% "0.8%": the lowest share is 1/128. */
  private static String percent(double share) {
    return share >= 0.01 ? Math.round(share * 100) + "%" : String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  static String describe(long baselineMicros, Long copyingMicros, long limitMicros, long backedOffMillis,
      long backOffs) {
    return String.format(Locale.ROOT, "latency guard: probe p99 baseline %s, %s while copying (limit %s); backed off %s",
        ms(baselineMicros), copyingMicros == null ? "not measured" : ms(copyingMicros), ms(limitMicros),
        seconds(backedOffMillis)) + (backOffs == 0 ? "" : " (" + backOffs + (backOffs == 1 ? " time)" : " times)"));
  }

  /** The limit a baseline and a ratio give. */
  static long limit(GuardSpec spec, long baselineMicros) {
    return Math.max(spec.ratio().multiply(java.math.BigDecimal.valueOf(baselineMicros)).longValue(),
        baselineMicros + MIN_EXCESS_MICROS);
  }

  private long backedOffMillis(long now) {
    return (backedOffNanos + (backingOff ? now - backingOffSince : 0)) / 1_000_000;
  }

  /** Stops probing and records what the guard held for the step's outcome. */
  @Override
  public void close() {
    stopped = true;
    prober.interrupt();
    try {
      prober.join(spec.timeout().toMillis() + 1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (backingOff) {
      backedOffNanos += System.nanoTime() - backingOffSince;
      backingOff = false;
    }
    closeConnection();
    Long observed = copying.p99();
    DSLContext sql = DSL.using(dataSource, SQLDialect.POSTGRES);
    sql.update(BACKFILL_GUARD)
        .set(BACKFILL_GUARD.BASELINE_P99_US, baselineMicros) // as the quiet holds left it, for the outcome and a retry
        .set(BACKFILL_GUARD.OBSERVED_P99_US, observed == null ? BACKFILL_GUARD.OBSERVED_P99_US : DSL.val(observed))
        .set(BACKFILL_GUARD.WORST_P99_US, worstMicros == 0 ? BACKFILL_GUARD.WORST_P99_US
            : DSL.greatest(DSL.coalesce(BACKFILL_GUARD.WORST_P99_US, 0L), DSL.val(worstMicros)))
        .set(BACKFILL_GUARD.BACKED_OFF_MS, BACKFILL_GUARD.BACKED_OFF_MS.plus(backedOffNanos / 1_000_000))
        .set(BACKFILL_GUARD.BACK_OFFS, BACKFILL_GUARD.BACK_OFFS.plus(backOffs))
        .set(BACKFILL_GUARD.PROBES, BACKFILL_GUARD.PROBES.plus(copying.count()))
        .set(BACKFILL_GUARD.UPDATED_AT, DSL.currentOffsetDateTime())
        .where(key())
        .execute();
  }

  /** "latency guard: ..." over a step's parts, for its outcome; null when none recorded a guard. */
  static String outcome(DSLContext sql, BackfillSpec spec, String runId, String stepId, StepAction action) {
    var rows = sql.selectFrom(BACKFILL_GUARD)
        .where(BACKFILL_GUARD.RUN_ID.eq(runId), BACKFILL_GUARD.STEP_ID.eq(stepId),
            BACKFILL_GUARD.ACTION.eq(action.word()))
        .fetch();
    if (rows.isEmpty() || spec.guard() == null) {
      return null;
    }
    long baseline = rows.stream().mapToLong(r -> r.getBaselineP99Us()).max().orElse(0);
    Long observed = rows.stream().filter(r -> r.getObservedP99Us() != null).mapToLong(r -> r.getObservedP99Us())
        .boxed().max(Long::compare).orElse(null);
    long backedOff = rows.stream().mapToLong(r -> r.getBackedOffMs()).sum();
    long backOffs = rows.stream().mapToLong(r -> r.getBackOffs()).sum();
    return describe(baseline, observed, limit(spec.guard(), baseline), backedOff, backOffs);
  }

  // ---------------------------------------------------------------- the prober's side

  /** The stored baseline of this part, or one measured now (before the part's first batch) and stored. */
  private long baseline() {
    DSLContext ledger = DSL.using(dataSource, SQLDialect.POSTGRES);
    Long stored = ledger.select(BACKFILL_GUARD.BASELINE_P99_US).from(BACKFILL_GUARD).where(key())
        .fetchOne(BACKFILL_GUARD.BASELINE_P99_US);
    if (stored != null) {
      return stored;
    }
    List<Long> baseline = new ArrayList<>();
    long every = spec.every().toNanos();
    try {
      // the first probes open the connection and warm the worker's code up: not the database's latency
      for (int i = 0; i < WARM_UP_PROBES; i++) {
        probe();
      }
      long end = System.nanoTime() + Math.min(spec.window().toMillis(), MAX_BASELINE_MILLIS) * 1_000_000;
      // like with like: the probes the window will hold, at the cadence it will hold them
      while (baseline.size() < MIN_PROBES || System.nanoTime() < end) {
        long started = System.nanoTime();
        long micros = probe();
        baseline.add(micros);
        quietProbes.addLast(micros);
        long wait = every - (System.nanoTime() - started);
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
    } catch (SQLException e) {
      closeConnection();
      throw ApplicationFailure.newNonRetryableFailure(targets.redact("step '" + stepId
          + "': the latency guard's probe failed before the first batch: " + reason(e) + ". Fix guard: probe: (or"
          + " remove it for the default probe), or turn the guard off with guard: false, then retry the step"),
          "StepFailed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeConnection();
      throw ApplicationFailure.newFailure("step '" + stepId + "': interrupted while measuring the latency guard's"
          + " baseline", "Interrupted");
    }
    ledger.insertInto(BACKFILL_GUARD)
        .set(BACKFILL_GUARD.RUN_ID, runId)
        .set(BACKFILL_GUARD.STEP_ID, stepId)
        .set(BACKFILL_GUARD.ACTION, action.word())
        .set(BACKFILL_GUARD.PART, part)
        .set(BACKFILL_GUARD.BASELINE_P99_US, baselineP99(baseline.stream().mapToLong(Long::longValue).toArray()))
        .set(BACKFILL_GUARD.PROBES, (long) baseline.size())
        .onConflictDoNothing()
        .execute();
    return ledger.select(BACKFILL_GUARD.BASELINE_P99_US).from(BACKFILL_GUARD).where(key())
        .fetchOne(BACKFILL_GUARD.BASELINE_P99_US);
  }

  private void probeEvery() {
    long every = spec.every().toNanos();
    while (!stopped) {
      long started = System.nanoTime();
      try {
        long micros = probe();
        synchronized (recent) {
          recent.addLast(new long[] {started, micros});
          long oldest = started - spec.window().toNanos() * BUDGET_WINDOWS;
          while (!recent.isEmpty() && recent.peekFirst()[0] < oldest) {
            recent.removeFirst();
          }
        }
        long quiet = quietSince != 0 ? quietSince : pausedSince;
        if (quiet != 0) {
          if (started - quiet >= spec.window().toNanos() / 2) {
            synchronized (quietProbes) {
              quietProbes.addLast(micros);
              while (quietProbes.size() > QUIET_PROBES) {
                quietProbes.removeFirst();
              }
            }
          }
        } else if (!backingOff) {
          copying.add(micros);
          if (micros > limitMicros) {
            overs.incrementAndGet();
          }
        }
      } catch (SQLException e) {
        if (stopped) {
          return;
        }
        if (!transientState(e)) {
          failure = reason(e);
          return;
        }
        closeConnection(); // a dropped connection: the next probe opens another
      }
      long wait = every - (System.nanoTime() - started);
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /**
   * One probe in a transaction of its own, timed from the probe's statement to the end of its
   * transaction: the default probe commits (its write's latency includes the commit), a plan's
   * is rolled back (it never changes the application's data). Stopped by its timeouts, it counts
   * as that slow.
   */
  private long probe() throws SQLException {
    if (connection == null) {
      connection = dataSource.getConnection();
      connection.setAutoCommit(false);
    }
    DSLContext sql = DSL.using(connection, SQLDialect.POSTGRES);
    try {
      sql.select(setConfig("lock_timeout", spec.timeout()), setConfig("statement_timeout", spec.timeout())).fetch();
      if (spec.planProbe()) {
        long started = System.nanoTime();
        probeStarted = started;
        runAsWritten(connection, spec.probe());
        connection.rollback();
        probeStarted = 0;
        return (System.nanoTime() - started) / 1_000;
      }
      // the write rendered once: the time is the database's, not the worker building the statement
      try (PreparedStatement write = connection.prepareStatement(DEFAULT_PROBE)) {
        long started = System.nanoTime();
        probeStarted = started;
        write.executeUpdate();
        connection.commit();
        probeStarted = 0;
        return (System.nanoTime() - started) / 1_000;
      }
    } catch (SQLException | org.jooq.exception.DataAccessException e) {
      probeStarted = 0;
      SQLException error = sqlException(e);
      try {
        connection.rollback();
      } catch (SQLException ignored) {
        // the connection is gone: reported by the error itself
      }
      String state = error == null ? null : error.getSQLState();
      if (QUERY_CANCELED.equals(state) || LOCK_NOT_AVAILABLE.equals(state)) {
        return spec.timeout().toNanos() / 1_000;
      }
      throw error != null ? error : new SQLException(e.getMessage());
    }
  }

  /** The plan's probe, as written (a plain statement: it may hold ? or {0}), every result read. */
  private static void runAsWritten(Connection connection, String probe) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      boolean resultSet = statement.execute(probe);
      while (resultSet || statement.getUpdateCount() != -1) {
        if (resultSet) {
          try (var rows = statement.getResultSet()) {
            while (rows.next()) {
              // read every row, as the application would
            }
          }
        }
        resultSet = statement.getMoreResults();
      }
    }
  }

  private static Field<String> setConfig(String setting, Duration value) {
    return DSL.function(name("set_config"), SQLDataType.VARCHAR, DSL.inline(setting),
        DSL.val(Math.max(1, value.toMillis()) + "ms"), DSL.inline(true));
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // closing a broken connection
      }
      connection = null;
    }
  }

  private long[] window(long now, long nanos) {
    long oldest = now - nanos;
    synchronized (recent) {
      return recent.stream().filter(p -> p[0] >= oldest).mapToLong(p -> p[1]).toArray();
    }
  }

  private org.jooq.Condition key() {
    return BACKFILL_GUARD.RUN_ID.eq(runId).and(BACKFILL_GUARD.STEP_ID.eq(stepId))
        .and(BACKFILL_GUARD.ACTION.eq(action.word())).and(BACKFILL_GUARD.PART.eq(part));
  }

  private static SQLException sqlException(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  private static boolean transientState(SQLException error) {
    String state = error.getSQLState();
    return state != null && state.startsWith("08");
  }

  /** The server's message and SQLSTATE, never the statement (PostgreSQL's words may quote a token of it). */
  private static String reason(SQLException error) {
    String message = error instanceof PSQLException psql && psql.getServerErrorMessage() != null
        ? psql.getServerErrorMessage().getMessage() : error.getMessage();
    return message + (error.getSQLState() == null ? "" : " (SQLSTATE " + error.getSQLState() + ")");
  }

  /**
   * The baseline's p99, robust to one stall of the machine: the probes cut into
   * {@link #BASELINE_PARTS} stretches in the order they ran, the p99 of each, and the upper median
   * of those. On a shared machine one disk stall in the baseline's seconds (probes of 100 ms beside
   * 2 ms) would otherwise set a limit the copy never reaches.
   */
  static long baselineP99(long[] probes) {
    int parts = Math.min(BASELINE_PARTS, probes.length);
    long[] p99s = new long[parts];
    for (int i = 0; i < parts; i++) {
      p99s[i] = p99(Arrays.copyOfRange(probes, i * probes.length / parts, (i + 1) * probes.length / parts));
    }
    Arrays.sort(p99s);
    return p99s[parts / 2];
  }

  static long p99(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.max(0, (int) Math.ceil(0.99 * sorted.length) - 1)];
  }

  static String ms(long micros) {
    return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
  }

  private static String seconds(long millis) {
    return millis < 1000 ? millis + "ms" : String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
  }

  /** Probe latencies in buckets 2% wide: a p99 over hours of probes in a few kB. */
  static final class Latencies {
    private static final double BUCKET = Math.log(1.02);
    private final long[] counts = new long[1_000];
    private long count;

    synchronized void add(long micros) {
      int bucket = (int) Math.min(counts.length - 1, Math.floor(Math.log(Math.max(1, micros)) / BUCKET));
      counts[bucket]++;
      count++;
    }

    synchronized long count() {
      return count;
    }

    /** The 99th percentile (the upper edge of its bucket), or null with no probes. */
    synchronized Long p99() {
      if (count == 0) {
        return null;
      }
      long rank = (long) Math.ceil(0.99 * count);
      long seen = 0;
      for (int i = 0; i < counts.length; i++) {
        seen += counts[i];
        if (seen >= rank) {
          return Math.round(Math.exp((i + 1) * BUCKET));
        }
      }
      return Math.round(Math.exp(counts.length * BUCKET));
    }
  }
}
