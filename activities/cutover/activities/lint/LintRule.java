package cutover.activities.lint;

import cutover.activities.Word;
import java.util.Locale;

/**
 * The rules of {@code cutover plan lint}, after those strong_migrations and squawk document for
 * PostgreSQL, in cutover's words. The README lists them with their reasons.
 */
public enum LintRule implements Word {
  CONSTRAINT_WITHOUT_NOT_VALID(Severity.ERROR),
  INDEX_BLOCKS_WRITES(Severity.WARNING),
  CONCURRENTLY_IN_TRANSACTION(Severity.ERROR),
  SET_NOT_NULL_WITHOUT_CHECK(Severity.ERROR),
  VOLATILE_DEFAULT_REWRITES(Severity.ERROR),
  TYPE_CHANGE_REWRITES(Severity.ERROR),
  DROP_STILL_REFERENCED(Severity.ERROR),
  RENAME_IN_ONE_STEP(Severity.ERROR),
  LONG_LOCK_TIMEOUT(Severity.WARNING),
  POINT_OF_NO_RETURN_WITHOUT_APPROVAL(Severity.ERROR),
  FALLIBLE_AFTER_POINT_OF_NO_RETURN(Severity.WARNING),
  COMPENSATE_DOES_NOT_UNDO(Severity.ERROR),
  UNTIL_IN_THE_PAST(Severity.ERROR),
  FREEZE_WITHOUT_UNFREEZE(Severity.WARNING),
  UNPARSED_SQL(Severity.WARNING),
  UNKNOWN_LINT_RULE(Severity.ERROR);

  private final Severity severity;

  LintRule(Severity severity) {
    this.severity = severity;
  }

  public Severity severity() {
    return severity;
  }

  /** {@code constraint-without-not-valid}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @Override
  public String word() {
    return id();
  }

  public static LintRule byId(String id) {
    for (LintRule rule : values()) {
      if (rule.id().equals(id)) {
        return rule;
      }
    }
    return null;
  }
}
