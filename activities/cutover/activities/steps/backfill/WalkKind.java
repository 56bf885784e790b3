package cutover.activities.steps.backfill;

import com.fasterxml.jackson.annotation.JsonCreator;
import cutover.activities.Word;
import java.util.Locale;

/** How a backfill part goes through its rows; the word is a plan's {@code walk:} and {@code cutover.backfill_checkpoint.walk}. */
public enum WalkKind implements Word {
  /** Keyset batches in key order ({@link KeyWalk}): the best walk where key order follows storage order. */
  KEY,
  /** Batches of physical page ranges, TID range scans in storage order ({@link PageWalk}): tables only. */
  PAGES,
  /** Key ranges split from a sample of the keys, no bound query per batch ({@link RangeWalk}): any source. */
  RANGES,
  /**
   * A filtered copy from a table: the filter evaluated once into a list of the matching rows,
   * batches of the list by page range ({@link MatchWalk}); needs the capture of changes.
   */
  MATCHES;

  /** Whether the part's bounds and checkpoint are keys (else page numbers or list ordinals, which say nothing of keys). */
  public boolean walksKeys() {
    return this == KEY || this == RANGES;
  }

  /** Case and spaces as a plan may write them; null when it is none of them. */
  @JsonCreator
  public static WalkKind of(String text) {
    return Word.of(WalkKind.class, text == null ? null : text.strip().toLowerCase(Locale.ROOT));
  }
}
