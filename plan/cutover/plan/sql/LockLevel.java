package cutover.plan.sql;

import java.util.Set;

/**
 * PostgreSQL's table-level lock modes, weakest first, with the conflicts of its documentation
 * ("Explicit Locking", table 13.2). Reads take ACCESS SHARE and writes ROW EXCLUSIVE, so
 * whether a statement's lock blocks the application's reads or writes is whether its mode
 * conflicts with those two.
 */
public enum LockLevel {
  ACCESS_SHARE,
  ROW_SHARE,
  ROW_EXCLUSIVE,
  SHARE_UPDATE_EXCLUSIVE,
  SHARE,
  SHARE_ROW_EXCLUSIVE,
  EXCLUSIVE,
  ACCESS_EXCLUSIVE;

  /** The modes this one conflicts with. */
  public Set<LockLevel> conflicts() {
    return switch (this) {
      case ACCESS_SHARE -> Set.of(ACCESS_EXCLUSIVE);
      case ROW_SHARE -> Set.of(EXCLUSIVE, ACCESS_EXCLUSIVE);
      case ROW_EXCLUSIVE -> Set.of(SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE);
      case SHARE_UPDATE_EXCLUSIVE -> Set.of(SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE);
      case SHARE -> Set.of(ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE);
      case SHARE_ROW_EXCLUSIVE -> Set.of(ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE,
          ACCESS_EXCLUSIVE);
      case EXCLUSIVE -> Set.of(ROW_SHARE, ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE,
          ACCESS_EXCLUSIVE);
      case ACCESS_EXCLUSIVE -> Set.of(values());
    };
  }

  /** Plain SELECTs wait behind it. */
  public boolean blocksReads() {
    return conflicts().contains(ACCESS_SHARE);
  }

  /** INSERT, UPDATE and DELETE wait behind it. */
  public boolean blocksWrites() {
    return conflicts().contains(ROW_EXCLUSIVE);
  }

  /** What the application feels: {@code reads and writes}, {@code writes} or {@code nothing}. */
  public Blocks blocks() {
    return blocksReads() ? Blocks.READS_AND_WRITES : blocksWrites() ? Blocks.WRITES : Blocks.NOTHING;
  }

  /** As PostgreSQL names it: {@code ACCESS EXCLUSIVE}. */
  public String sqlName() {
    return name().replace('_', ' ');
  }

  /** The stronger of two modes (the later in PostgreSQL's order). */
  public static LockLevel stronger(LockLevel a, LockLevel b) {
    return a == null ? b : b == null ? a : a.compareTo(b) >= 0 ? a : b;
  }

  /** Which of the application's statements a lock holds up. */
  public enum Blocks {
    NOTHING, WRITES, READS_AND_WRITES;

    public String words() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
  }
}
