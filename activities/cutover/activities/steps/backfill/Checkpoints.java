package cutover.activities.steps.backfill;

import static cutover.db.Tables.BACKFILL_CHECKPOINT;
import static cutover.db.Tables.BACKFILL_TUNING;
import static cutover.db.Tables.RUN_EVENT;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import cutover.activities.RunEventKind;
import cutover.activities.StepAction;
import cutover.activities.Word;
import cutover.db.tables.records.BackfillCheckpointRecord;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * The one writer of {@code cutover.backfill_checkpoint}: the parts of batched steps and how far
 * each has come. Like the ledger's other writers it works on whatever jOOQ context it is given, so a batch
 * and its checkpoint commit in one transaction. It also reads the operator controls a running
 * backfill obeys between batches: the run's latest {@code pause} / {@code resume} event, which
 * the workflows record when they receive those signals, and the step's merged tuning
 * ({@code cutover.backfill_tuning}, written by {@link Tunings}).
 */
public final class Checkpoints {
  private static final String PAUSE = RunEventKind.PAUSE.word();
  private static final String RESUME = RunEventKind.RESUME.word();

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One part of a step: a key range (lower exclusive unless lowerInclusive, upper inclusive), or
   * for a page walk a page range (page numbers, both inclusive), and how far it has come.
   */
  public record Part(
      String runId,
      String stepId,
      StepAction action,
      int part,
      int parts,
      List<String> keyTypes,
      List<String> lower,
      boolean lowerInclusive,
      List<String> upper,
      List<String> last,
      long rowsDone,
      long batches,
      Long estimatedRows,
      PartState state,
      WalkKind walk,
      String walkNote) {

    public boolean done() {
      return state == PartState.DONE;
    }

    public boolean stopped() {
      return state == PartState.STOPPED;
    }

    /** Where the next batch starts: after the last batch, else at (or after) the part's lower bound. */
    public List<String> resumeFrom() {
      return last != null ? last : lower;
    }

    /** Whether the key {@link #resumeFrom()} is itself still to do. */
    public boolean resumeInclusive() {
      return last == null && lowerInclusive;
    }

    public Part advancedTo(List<String> key, long rows) {
      return new Part(runId, stepId, action, part, parts, keyTypes, lower, lowerInclusive, upper, key,
          rowsDone + rows, batches + 1, estimatedRows, state, walk, walkNote);
    }

    /** A listing part that has listed its source pages up to {@code page}. */
    public Part listedTo(List<String> page) {
      return new Part(runId, stepId, action, part, parts, keyTypes, lower, lowerInclusive, upper, page, rowsDone,
          batches, estimatedRows, state, walk, walkNote);
    }

    public Part withState(PartState newState) {
      return new Part(runId, stepId, action, part, parts, keyTypes, lower, lowerInclusive, upper, last, rowsDone,
          batches, estimatedRows, newState, walk, walkNote);
    }
  }

  /**
   * What operators asked of a running backfill.
   *
   * @param batchSize a fixed batch size, 0 to adapt again, null when never tuned
   * @param rate rows per second for the whole step, 0 for no cap, null when never tuned
   */
  public record Control(boolean paused, String pausedBy, Integer batchSize, Long rate, String tunedBy) {
    public static final Control NONE = new Control(false, null, null, null, null);
  }

  private final DSLContext sql;

  public Checkpoints(DSLContext sql) {
    this.sql = Objects.requireNonNull(sql, "sql");
  }

  public List<Part> parts(String runId, String stepId, StepAction action) {
    return sql.selectFrom(BACKFILL_CHECKPOINT)
        .where(BACKFILL_CHECKPOINT.RUN_ID.eq(runId), BACKFILL_CHECKPOINT.STEP_ID.eq(stepId),
            BACKFILL_CHECKPOINT.ACTION.eq(action.word()))
        .orderBy(BACKFILL_CHECKPOINT.PART)
        .fetch(Checkpoints::toPart);
  }

  /** A part locked for a batch, with the operators' controls read in the same statement. */
  public record Locked(Part part, Control control) {}

  /** When the step's first part began this action: a batched step's row spans its parts. */
  public Optional<java.time.OffsetDateTime> firstStarted(String runId, String stepId, StepAction action) {
    return Optional.ofNullable(sql.select(DSL.min(BACKFILL_CHECKPOINT.STARTED_AT)).from(BACKFILL_CHECKPOINT)
        .where(BACKFILL_CHECKPOINT.RUN_ID.eq(runId), BACKFILL_CHECKPOINT.STEP_ID.eq(stepId),
            BACKFILL_CHECKPOINT.ACTION.eq(action.word()))
        .fetchOne(0, java.time.OffsetDateTime.class));
  }

  /**
   * The lock of one part's checkpoint row for a batch, until the transaction ends (concurrent
   * attempts take turns batch by batch), with the run's pause state and the step's tuning read in
   * the same statement: one round trip per batch. Built once per part attempt and run batch after
   * batch (building the query took about as long as running it).
   */
  public static final class PartLock {
    private final Field<String> pauseKind;
    private final Field<String> pauseActor;
    private final org.jooq.ResultQuery<org.jooq.Record> query;

    public PartLock(String runId, String stepId, StepAction action, int part) {
      pauseKind = latestPause(runId, RUN_EVENT.KIND).as("cutover_pause_kind");
      pauseActor = latestPause(runId, RUN_EVENT.ACTOR).as("cutover_pause_actor");
      query = DSL.select(BACKFILL_CHECKPOINT.fields())
          .select(pauseKind, pauseActor, BACKFILL_TUNING.BATCH_SIZE, BACKFILL_TUNING.RATE, BACKFILL_TUNING.TUNED_BY)
          .from(BACKFILL_CHECKPOINT)
          .leftJoin(BACKFILL_TUNING)
          .on(BACKFILL_TUNING.RUN_ID.eq(BACKFILL_CHECKPOINT.RUN_ID), BACKFILL_TUNING.STEP_ID.eq(BACKFILL_CHECKPOINT.STEP_ID))
          .where(BACKFILL_CHECKPOINT.RUN_ID.eq(runId), BACKFILL_CHECKPOINT.STEP_ID.eq(stepId),
              BACKFILL_CHECKPOINT.ACTION.eq(action.word()), BACKFILL_CHECKPOINT.PART.eq(part))
          .forUpdate()
          .of(BACKFILL_CHECKPOINT);
    }

    public Optional<Locked> lock(DSLContext sql) {
      return sql.fetchOptional(query).map(r -> {
        boolean paused = PAUSE.equals(r.get(pauseKind));
        return new Locked(toPart(r.into(BACKFILL_CHECKPOINT)), new Control(paused,
            paused ? r.get(pauseActor) : null, r.get(BACKFILL_TUNING.BATCH_SIZE), r.get(BACKFILL_TUNING.RATE),
            r.get(BACKFILL_TUNING.TUNED_BY)));
      });
    }
  }

  private static Field<String> latestPause(String runId, Field<String> column) {
    return DSL.field(DSL.select(column).from(RUN_EVENT)
        .where(RUN_EVENT.RUN_ID.eq(runId), RUN_EVENT.KIND.in(PAUSE, RESUME))
        .orderBy(RUN_EVENT.ID.desc())
        .limit(1));
  }

  public void insert(Part part) {
    sql.insertInto(BACKFILL_CHECKPOINT)
        .set(BACKFILL_CHECKPOINT.RUN_ID, part.runId())
        .set(BACKFILL_CHECKPOINT.STEP_ID, part.stepId())
        .set(BACKFILL_CHECKPOINT.ACTION, part.action().word())
        .set(BACKFILL_CHECKPOINT.PART, part.part())
        .set(BACKFILL_CHECKPOINT.PARTS, part.parts())
        .set(BACKFILL_CHECKPOINT.KEY_TYPES, json(part.keyTypes()))
        .set(BACKFILL_CHECKPOINT.LOWER_KEY, json(part.lower()))
        .set(BACKFILL_CHECKPOINT.LOWER_INCLUSIVE, part.lowerInclusive())
        .set(BACKFILL_CHECKPOINT.UPPER_KEY, json(part.upper()))
        .set(BACKFILL_CHECKPOINT.LAST_KEY, json(part.last()))
        .set(BACKFILL_CHECKPOINT.ROWS_DONE, part.rowsDone())
        .set(BACKFILL_CHECKPOINT.BATCHES, part.batches())
        .set(BACKFILL_CHECKPOINT.ESTIMATED_ROWS, part.estimatedRows())
        .set(BACKFILL_CHECKPOINT.STATE, part.state().word())
        .set(BACKFILL_CHECKPOINT.WALK, part.walk().word())
        .set(BACKFILL_CHECKPOINT.WALK_NOTE, part.walkNote())
        .execute();
  }

  /** Records a committed batch: it ended at {@code last} and wrote {@code rows} rows. */
  public void advance(Part part, List<String> last, long rows) {
    sql.update(BACKFILL_CHECKPOINT)
        .set(BACKFILL_CHECKPOINT.LAST_KEY, json(last))
        .set(BACKFILL_CHECKPOINT.ROWS_DONE, BACKFILL_CHECKPOINT.ROWS_DONE.plus(rows))
        .set(BACKFILL_CHECKPOINT.BATCHES, BACKFILL_CHECKPOINT.BATCHES.plus(1))
        .set(BACKFILL_CHECKPOINT.UPDATED_AT, DSL.currentOffsetDateTime())
        .where(key(part))
        .execute();
  }

  /** Records a committed listing chunk of a part: its source pages up to {@code last} are listed. */
  public void listedTo(Part part, List<String> last) {
    sql.update(BACKFILL_CHECKPOINT)
        .set(BACKFILL_CHECKPOINT.LAST_KEY, json(last))
        .set(BACKFILL_CHECKPOINT.UPDATED_AT, DSL.currentOffsetDateTime())
        .where(key(part))
        .execute();
  }

  /**
   * The part has listed all its source pages: from now on it copies the list's {@code pages}
   * pages ({@code rows} rows) from the first, and returns as it now stands.
   */
  public Part listed(Part part, long pages, long rows) {
    Part copying = new Part(part.runId(), part.stepId(), part.action(), part.part(), part.parts(), part.keyTypes(),
        List.of("0"), true, List.of(Long.toString(pages - 1)), null, 0, 0, rows, PartState.RUNNING, part.walk(),
        part.walkNote());
    sql.update(BACKFILL_CHECKPOINT)
        .set(BACKFILL_CHECKPOINT.LOWER_KEY, json(copying.lower()))
        .set(BACKFILL_CHECKPOINT.LOWER_INCLUSIVE, true)
        .set(BACKFILL_CHECKPOINT.UPPER_KEY, json(copying.upper()))
        .set(BACKFILL_CHECKPOINT.LAST_KEY, json(copying.last()))
        .set(BACKFILL_CHECKPOINT.ESTIMATED_ROWS, rows)
        .set(BACKFILL_CHECKPOINT.STATE, PartState.RUNNING.word())
        .set(BACKFILL_CHECKPOINT.UPDATED_AT, DSL.currentOffsetDateTime())
        .where(key(part))
        .execute();
    return copying;
  }

  public void finish(Part part) {
    sql.update(BACKFILL_CHECKPOINT)
        .set(BACKFILL_CHECKPOINT.STATE, PartState.DONE.word())
        .set(BACKFILL_CHECKPOINT.UPDATED_AT, DSL.currentOffsetDateTime())
        .where(key(part))
        .execute();
  }

  /** Stops the step's running parts of an action: their attempts write no further batch. */
  public int stop(String runId, String stepId, StepAction action) {
    return sql.update(BACKFILL_CHECKPOINT)
        .set(BACKFILL_CHECKPOINT.STATE, PartState.STOPPED.word())
        .set(BACKFILL_CHECKPOINT.UPDATED_AT, DSL.currentOffsetDateTime())
        .where(BACKFILL_CHECKPOINT.RUN_ID.eq(runId), BACKFILL_CHECKPOINT.STEP_ID.eq(stepId),
            BACKFILL_CHECKPOINT.ACTION.eq(action.word()),
            BACKFILL_CHECKPOINT.STATE.in(PartState.LISTING.word(), PartState.RUNNING.word(), PartState.REPLAYING.word()))
        .execute();
  }

  /** The part's bulk pass is done: it replays captured changes from now on. */
  public void replaying(Part part) {
    sql.update(BACKFILL_CHECKPOINT)
        .set(BACKFILL_CHECKPOINT.STATE, PartState.REPLAYING.word())
        .set(BACKFILL_CHECKPOINT.UPDATED_AT, DSL.currentOffsetDateTime())
        .where(key(part))
        .execute();
  }

  /** Records a committed replay batch of {@code changes} captured changes. */
  public void replayed(Part part, long changes) {
    sql.update(BACKFILL_CHECKPOINT)
        .set(BACKFILL_CHECKPOINT.REPLAYED, BACKFILL_CHECKPOINT.REPLAYED.plus(changes))
        .set(BACKFILL_CHECKPOINT.UPDATED_AT, DSL.currentOffsetDateTime())
        .where(key(part))
        .execute();
  }

  /** Captured changes the step's parts have replayed. */
  public long replayed(String runId, String stepId, StepAction action) {
    Long sum = sql.select(DSL.sum(BACKFILL_CHECKPOINT.REPLAYED).cast(Long.class)).from(BACKFILL_CHECKPOINT)
        .where(BACKFILL_CHECKPOINT.RUN_ID.eq(runId), BACKFILL_CHECKPOINT.STEP_ID.eq(stepId),
            BACKFILL_CHECKPOINT.ACTION.eq(action.word()))
        .fetchOne(0, Long.class);
    return sum == null ? 0 : sum;
  }

  /** Whether every other part of the step's action is done: then no bulk pass runs any more. */
  public boolean othersDone(Part part) {
    return !sql.fetchExists(DSL.selectOne().from(BACKFILL_CHECKPOINT)
        .where(BACKFILL_CHECKPOINT.RUN_ID.eq(part.runId()), BACKFILL_CHECKPOINT.STEP_ID.eq(part.stepId()),
            BACKFILL_CHECKPOINT.ACTION.eq(part.action().word()), BACKFILL_CHECKPOINT.PART.ne(part.part()),
            BACKFILL_CHECKPOINT.STATE.ne(PartState.DONE.word())));
  }

  private static org.jooq.Condition key(Part part) {
    return BACKFILL_CHECKPOINT.RUN_ID.eq(part.runId())
        .and(BACKFILL_CHECKPOINT.STEP_ID.eq(part.stepId()))
        .and(BACKFILL_CHECKPOINT.ACTION.eq(part.action().word()))
        .and(BACKFILL_CHECKPOINT.PART.eq(part.part()));
  }

  static String json(List<String> values) {
    if (values == null) {
      return null;
    }
    try {
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> list(String json) {
    if (json == null) {
      return null;
    }
    try {
      return JSON.readValue(json, new TypeReference<List<String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a checkpoint holds a malformed key: " + e.getOriginalMessage());
    }
  }

  private static Part toPart(BackfillCheckpointRecord r) {
    return new Part(r.getRunId(), r.getStepId(), StepAction.of(r.getAction()), r.getPart(), r.getParts(), list(r.getKeyTypes()),
        list(r.getLowerKey()), r.getLowerInclusive(), list(r.getUpperKey()), list(r.getLastKey()), r.getRowsDone(), r.getBatches(),
        r.getEstimatedRows(), PartState.of(r.getState()), walk(r.getWalk()), r.getWalkNote());
  }

  private static WalkKind walk(String word) {
    WalkKind walk = Word.of(WalkKind.class, word);
    if (walk == null) {
      throw new IllegalStateException("a checkpoint holds an unknown walk: " + word);
    }
    return walk;
  }
}
