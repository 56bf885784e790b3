package cutover.workflows;

import cutover.activities.RunEventKind;
import cutover.activities.steps.StepState;
import cutover.activities.steps.approval.ApprovalSpec;
import cutover.activities.waves.WaveActivities;
import cutover.activities.waves.WaveKeysCall;
import cutover.plan.Phase;
import cutover.plan.PlanStep;
import cutover.plan.Waves;
import io.temporal.failure.ActivityFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A wave phase, run by its phase workflow: the keys listed once (an activity, so its answer is in
 * the history), the canary wave, then waves of {@code size} keys, each a {@link WaveWorkflow}
 * child; an approval between waves when the plan asks; no new key once the failure budget is
 * spent, the phase then failing like a failed step (retry re-runs the keys not done, rollback
 * compensates every key touched). The phase's history grows by a few events per wave, not per key.
 */
final class TenantWaves {
  /** The {@code Workflow.getVersion} change id under which a phase with waves runs them. */
  static final String CHANGE = "tenant-waves";
  static final int RECENT_WAVES = 5;
  static final int FAILED_SHOWN = 20;

  /** The phase workflow's gate path: an approval held as an approval step is, answered by {@code approve}. */
  interface Gates {
    /** @return null when approved, else why not (rejected, or gave way to a rollback) */
    String holdApproval(PlanStep gate);
  }

  private final PhaseRequest request;
  private final String run;
  private final Phase phase;
  private final Waves plan;
  private final Operator operator;
  private final LedgerRecorder recorder;
  private final Map<String, StepView> views;
  private final Gates gates;
  private final WaveActivities keyQuery;

  private final List<List<String>> waves = new ArrayList<>();
  private final List<String> labels = new ArrayList<>();
  /** Every key's state, in the keys' order. */
  private final Map<String, KeyState> states = new LinkedHashMap<>();
  /** Keys whose last run failed, with why, in the order they failed. */
  private final Map<String, KeyOutcome> failures = new LinkedHashMap<>();
  /** Keys that started, in the order they did: what a rollback undoes, last first. */
  private final Set<String> started = new LinkedHashSet<>();
  private final List<Integer> ended = new ArrayList<>();
  private int failedSinceRetry;
  /** How many waves ran, for new workflow ids. */
  private int runs;
  private int currentWave = -1;
  private String currentState;
  private String currentWaveId;

  TenantWaves(PhaseRequest request, String run, Phase phase, Operator operator, LedgerRecorder recorder,
      Map<String, StepView> views, Gates gates, WaveActivities keyQuery) {
    this.request = request;
    this.run = run;
    this.phase = phase;
    this.plan = phase.waves();
    this.operator = operator;
    this.recorder = recorder;
    this.views = views;
    this.gates = gates;
    this.keyQuery = keyQuery;
  }

  /**
   * Rolls back a wave phase that completed, for a rollback of the cutover after it: its keys
   * touched are compensated as the phase's own rollback would.
   */
  static RunState rollBackFinished(String target, String run, Phase phase, boolean allowFixes, List<String> touched,
      Operator operator, LedgerRecorder recorder, Map<String, StepView> views) {
    TenantWaves waves = new TenantWaves(new PhaseRequest(null, target, null, phase.name(), run, null, null, allowFixes),
        run, phase, operator, recorder, views, gate -> "a rollback holds no gates", null);
    for (String key : touched) {
      waves.states.put(key, KeyState.DONE);
      waves.started.add(key);
    }
    return waves.rollBack();
  }

  RunState run() {
    if (!listKeys()) {
      return rollBack();
    }
    show(StepState.RUNNING);
    for (int w = 0; w < waves.size(); w++) {
      operator.awaitUnpaused();
      if (operator.rollbackRequested) {
        return rollBack();
      }
      currentWave = w;
      if (plan.approveBetween() && w > 0 && !approved(w)) {
        return rollBack();
      }
      boolean canary = isCanary(w);
      List<String> todo = waves.get(w);
      String waveId = waveWorkflowId(slug(w));
      String keySuffix = "";
      while (true) {
        runWave(labels.get(w), todo, WaveAction.APPLY, canary ? 0 : plan.failureBudget() - failedSinceRetry, waveId,
            keySuffix);
        if (operator.rollbackRequested) {
          return rollBack();
        }
        boolean stop = canary ? todo.stream().anyMatch(failures::containsKey) : failedSinceRetry > plan.failureBudget();
        if (!stop) {
          break;
        }
        if (!awaitRetry(canary ? "canary key(s) failed" : "the failure budget of " + plan.failureBudget() + " is spent")) {
          return rollBack();
        }
        todo = waves.get(w).stream().filter(k -> states.get(k) != KeyState.DONE).toList();
        waveId = waveWorkflowId(slug(w) + "#retry-" + runs);
        keySuffix = "#retry-" + runs;
      }
      ended.add(w);
      show(StepState.RUNNING);
    }
    currentWave = -1;
    while (!failures.isEmpty()) {
      if (!awaitRetry("keys failed within the failure budget")) {
        return rollBack();
      }
      String suffix = "#retry-" + runs;
      runWave("retry of failed keys", List.copyOf(failures.keySet()), WaveAction.APPLY, Integer.MAX_VALUE,
          waveWorkflowId("retry-" + runs), suffix);
      if (operator.rollbackRequested) {
        return rollBack();
      }
    }
    show(StepState.COMPLETED);
    operator.state = RunState.COMPLETED;
    return RunState.COMPLETED;
  }

  /** The keys, listed once; a failing query waits for retry or rollback as a failed step does. */
  private boolean listKeys() {
    List<String> keys;
    while (true) {
      try {
        keys = keyQuery.keys(new WaveKeysCall(request.target(), run, phase.name(), plan.keys(), plan.keysTimeout())).keys();
        break;
      } catch (ActivityFailure failure) {
        if (!failed(phase.name() + ".keys", Failures.of("the key query of phase '" + phase.name() + "'", failure))) {
          return false;
        }
      }
    }
    keys.forEach(k -> states.put(k, KeyState.PENDING));
    List<String> canary = plan.canaryCount() > 0 ? keys.subList(0, Math.min(plan.canaryCount(), keys.size()))
        : plan.canaryKeys();
    List<String> missing = canary.stream().filter(k -> !states.containsKey(k)).toList();
    while (!missing.isEmpty()) {
      if (!failed(phase.name() + ".keys", "canary key(s) " + String.join(", ", missing) + " are not among the "
          + keys.size() + " keys the query of phase '" + phase.name() + "' listed; roll back and fix the plan")) {
        return false;
      }
    }
    if (!canary.isEmpty()) {
      waves.add(List.copyOf(canary));
      labels.add("canary");
    }
    List<String> rest = keys.stream().filter(k -> !canary.contains(k)).toList();
    for (int from = 0; from < rest.size(); from += plan.size()) {
      waves.add(rest.subList(from, Math.min(rest.size(), from + plan.size())));
      labels.add("wave " + (labels.size() + (canary.isEmpty() ? 1 : 0)));
    }
    operator.notice("phase " + phase.name() + ": " + keys.size() + " keys in " + waves.size() + " waves");
    return true;
  }

  private boolean isCanary(int wave) {
    return wave == 0 && "canary".equals(labels.get(0));
  }

  /** Holds the approval before wave {@code w}, reopened on retry after a rejection. */
  private boolean approved(int w) {
    int keys = waves.get(w).size();
    PlanStep gate = new PlanStep(phase.name() + "." + slug(w),
        "approve " + labels.get(w) + " of phase " + phase.name() + " (" + keys + " keys)", null, false, false,
        new ApprovalSpec(List.of(), 1, false), 0);
    while (true) {
      currentState = "waiting for approval of gate " + gate.id();
      String why = gates.holdApproval(gate);
      currentState = null;
      if (why == null) {
        return true;
      }
      if (operator.rollbackRequested || !failed(gate.id(), why)) {
        return false;
      }
    }
  }

  private boolean awaitRetry(String reason) {
    return failed(null, "phase " + phase.name() + ": " + reason + ": " + describeFailures()
        + "; retry runs the keys not done, rollback undoes the keys touched");
  }

  /** Records a failure and waits: @return true for retry, false for rollback */
  private boolean failed(String stepId, String error) {
    recorder.event(RunEventKind.STEP_FAILED, stepId, null, error);
    currentState = "failed";
    boolean retry = operator.awaitRetryOrRollback(error);
    currentState = null;
    if (retry) {
      failedSinceRetry = 0; // a person chose to go on
    }
    return retry;
  }

  private String describeFailures() {
    List<String> lines = new ArrayList<>();
    for (KeyOutcome failure : failures.values()) {
      if (lines.size() == 5) {
        lines.add("and " + (failures.size() - 5) + " more");
        break;
      }
      lines.add("key " + failure.key() + ": " + failure.error());
    }
    return failures.size() + " key(s) failed (" + String.join("; ", lines) + ")";
  }

  private void runWave(String label, List<String> todo, WaveAction action, int allowed, String waveId, String keySuffix) {
    runs++;
    for (String key : todo) {
      states.put(key, action == WaveAction.APPLY ? KeyState.RUNNING : states.get(key));
    }
    currentWaveId = waveId;
    currentState = action == WaveAction.APPLY ? "running" : "rolling back";
    WaveRequest wave = new WaveRequest(request.target(), run, phase.name(), label, phase.steps(), request.allowFixes(),
        action, todo, plan.concurrency(), Math.max(0, allowed), keySuffix);
    WaveResult result = WaveRuns.run(waveId, wave, () -> action == WaveAction.APPLY && operator.rollbackRequested);
    for (KeyOutcome outcome : result.outcomes()) {
      states.put(outcome.key(), outcome.state());
      if (outcome.state() == KeyState.FAILED || outcome.state() == KeyState.ROLLBACK_FAILED) {
        failures.put(outcome.key(), outcome);
        if (outcome.state() == KeyState.FAILED) {
          failedSinceRetry++;
        }
        recorder.event(outcome.state() == KeyState.FAILED ? RunEventKind.STEP_FAILED : RunEventKind.COMPENSATION_FAILED,
            outcome.step(), null, "key " + outcome.key() + ": " + outcome.error());
      } else {
        failures.remove(outcome.key());
      }
    }
    if (action == WaveAction.APPLY) {
      for (String key : todo) {
        if (states.get(key) == KeyState.RUNNING) {
          states.put(key, KeyState.PENDING); // not started: untouched
        } else {
          started.add(key);
        }
      }
    }
    currentWaveId = null;
    currentState = null;
  }

  /** Compensates every key touched, the last started first, a wave of {@code size} keys at a time. */
  private RunState rollBack() {
    operator.state = RunState.ROLLING_BACK;
    currentWave = -1;
    failures.clear();
    List<String> touched = new ArrayList<>(started);
    Collections.reverse(touched);
    recorder.event(RunEventKind.ROLLBACK, null, null,
        "compensating the steps of " + touched.size() + " key(s) of phase " + request.phase());
    show(StepState.COMPENSATING);
    while (!touched.isEmpty()) {
      String suffix = "#undo-" + (runs + 1);
      for (int from = 0; from < touched.size(); from += plan.size()) {
        List<String> chunk = touched.subList(from, Math.min(touched.size(), from + plan.size()));
        runWave("undo", chunk, WaveAction.COMPENSATE, Integer.MAX_VALUE, waveWorkflowId("undo-" + (runs + 1)), suffix);
      }
      touched = new ArrayList<>(failures.keySet());
      if (!touched.isEmpty()) {
        String error = "phase " + phase.name() + ": the compensation of " + describeFailures();
        operator.awaitRetry(error);
        recorder.event(RunEventKind.RETRY, null, null, "compensation retried");
        failures.clear();
      }
    }
    show(StepState.COMPENSATED);
    operator.state = RunState.ROLLED_BACK;
    return RunState.ROLLED_BACK;
  }

  /** A wave's name in ids: {@code canary}, {@code wave-3}. */
  private String slug(int wave) {
    return labels.get(wave).replace(' ', '-');
  }

  private String waveWorkflowId(String wave) {
    return run + "/" + phase.name() + "#" + wave;
  }

  /** The plan's steps as status shows them: one line each, with the keys' counts. */
  private void show(StepState state) {
    String counts = count(KeyState.DONE) + " of " + states.size() + " keys done"
        + (failures.isEmpty() ? "" : ", " + failures.size() + " failed")
        + (count(KeyState.ROLLED_BACK) == 0 ? "" : ", " + count(KeyState.ROLLED_BACK) + " rolled back");
    for (PlanStep step : phase.steps()) {
      views.computeIfPresent(step.id(), (k, v) -> v.with(state, counts));
    }
  }

  private int count(KeyState state) {
    return (int) states.values().stream().filter(s -> s == state).count();
  }

  /** The keys touched, in the order they started: what a rollback of the cutover undoes. */
  List<String> touched() {
    return List.copyOf(started);
  }

  WaveSummary summary() {
    List<WaveSummary.WaveLine> recent = new ArrayList<>();
    for (int i = Math.max(0, ended.size() - RECENT_WAVES); i < ended.size(); i++) {
      recent.add(line(ended.get(i), "ended"));
    }
    List<WaveSummary.KeyFailure> failed = failures.values().stream().limit(FAILED_SHOWN)
        .map(f -> new WaveSummary.KeyFailure(f.key(), f.step(), f.error())).toList();
    WaveSummary.WaveLine current = currentWave < 0 ? null
        : line(currentWave, currentState == null ? "waiting" : currentState);
    return new WaveSummary(states.size(), count(KeyState.DONE), count(KeyState.RUNNING), failures.size(),
        count(KeyState.ROLLED_BACK), count(KeyState.PENDING), plan.failureBudget(), waves.size(), ended.size(), current,
        currentWaveId, recent, failed, Math.max(0, failures.size() - FAILED_SHOWN));
  }

  private WaveSummary.WaveLine line(int w, String state) {
    int done = 0;
    int running = 0;
    int failed = 0;
    int rolledBack = 0;
    int waiting = 0;
    for (String key : waves.get(w)) {
      switch (states.get(key)) {
        case DONE -> done++;
        case RUNNING -> running++;
        case FAILED, ROLLBACK_FAILED -> failed++;
        case ROLLED_BACK -> rolledBack++;
        case PENDING -> waiting++;
      }
    }
    return new WaveSummary.WaveLine(w + 1, labels.get(w), state, waves.get(w).size(), done, running, failed, rolledBack,
        waiting);
  }
}
