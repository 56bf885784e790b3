package cutover.activities;

import java.util.List;

/**
 * What a running step reports to Temporal every few seconds: enough to see in the UI that it is
 * alive and whether it is stuck behind someone's lock, and nothing secret (no SQL of any session).
 *
 * @param action apply or compensate
 * @param attempt the transaction attempt (lock timeouts retry)
 * @param waitingOnLock the step's statement is waiting for a lock right now
 * @param blockerPids backend pids of the sessions it waits on
 * @param progress how far a batched step has come, or null
 * @param lockWait while the step retries lock timeouts: who blocks it, for how long, against which budget; else null
 */
public record StepHeartbeat(
    String stepId, StepAction action, int attempt, boolean waitingOnLock, List<Integer> blockerPids,
    StepProgress progress, LockWait lockWait) {}
