package cutover.activities.steps.freeze;

import cutover.activities.Word;

/** What a freeze blocks, as the ledger's {@code cutover.frozen_write.scope} spells it. */
public enum FreezeScope implements Word {
  /** A trigger on a table refuses writes (or writes of the rows a predicate matches). */
  TABLE,
  /** A role's transactions are read-only in the target's database. */
  ROLE
}
