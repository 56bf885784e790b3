package cutover.plan;

import java.time.Duration;
import java.util.List;

/**
 * A phase run once per key (a tenant) that a query on the target lists: canary keys first, then
 * waves of {@code size} keys, at most {@code concurrency} at once; after more than
 * {@code failureBudget} failed keys no new key starts. Each key's steps see the key in their SQL
 * as {@code current_setting('cutover.key')}, set with a bound value in each step's transaction.
 *
 * @param keys a read-only query whose first column lists the keys, run once when the phase starts
 * @param canaryKeys keys run first, each of which must pass; empty when none are named
 * @param canaryCount the first so many keys run first instead (0: none, or named ones)
 * @param approveBetween each wave after the canary waits for an approval, as an approval step does
 * @param keysTimeout the longest the key query may run
 */
public record Waves(
    String keys,
    List<String> canaryKeys,
    int canaryCount,
    int size,
    int concurrency,
    int failureBudget,
    boolean approveBetween,
    Duration keysTimeout) {
  public static final int DEFAULT_SIZE = 10;
  public static final int MAX_SIZE = 1_000;
  public static final int MAX_CONCURRENCY = 100;
  /** Most keys a phase takes: they are recorded in its history once, and it starts a child per wave of them. */
  public static final int MAX_KEYS = 10_000;
  /** Keys name ledger rows and workflow ids: kept short. */
  public static final int MAX_KEY_LENGTH = 80;
  public static final Duration DEFAULT_KEYS_TIMEOUT = Duration.ofSeconds(30);

  public Waves {
    canaryKeys = canaryKeys == null ? List.of() : List.copyOf(canaryKeys);
    keysTimeout = keysTimeout == null ? DEFAULT_KEYS_TIMEOUT : keysTimeout;
  }
}
