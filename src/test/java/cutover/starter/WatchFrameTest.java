package cutover.starter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cutover.activities.LockBlocker;
import cutover.activities.LockWait;
import cutover.activities.StepAction;
import cutover.activities.StepHeartbeat;
import cutover.activities.StepProgress;
import cutover.activities.steps.GateView;
import cutover.activities.steps.StepState;
import cutover.workflows.CutoverStatus;
import cutover.workflows.CutoverStatus.PhaseState;
import cutover.workflows.CutoverStatus.PhaseView;
import cutover.workflows.PhaseStatus;
import cutover.workflows.RunState;
import cutover.workflows.StepView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

/** The watch screen drawn from a fixed snapshot at a fixed width: what each line says, and that none is wider. */
class WatchFrameTest {
  private static final Instant NOW = Instant.parse("2026-12-01T16:00:30Z");

  static RunStatus snapshot() {
    List<StepView> prepare = List.of(new StepView("create-dst", "sql", "prepare", StepState.COMPLETED, "applied", 1, 120L,
        false));
    List<StepView> copy = List.of(
        new StepView("copy-rows", "backfill", "copy", StepState.RUNNING, null, 1, null, false),
        new StepView("add-index", "sql", "copy", StepState.RUNNING, null, 1, null, false),
        new StepView("go", "approval", "copy", StepState.PENDING, null, null, null, false),
        new StepView("switch", "sql", "copy", StepState.PENDING, null, null, null, true));
    CutoverStatus cutover = new CutoverStatus("run-7", "orders-split", "abcdef1234567890", "staging", "carol",
        RunState.RUNNING, "copy", "run-7.copy",
        List.of(new PhaseView("prepare", PhaseState.COMPLETED, "run-7.prepare", prepare),
            new PhaseView("copy", PhaseState.RUNNING, "run-7.copy", List.of())),
        List.of(), List.of(), null, null, List.of(), List.of());
    PhaseStatus phase = new PhaseStatus("run-7", "orders-split", "staging", "copy", RunState.RUNNING, "copy-rows", copy,
        List.of(new GateView("go", "go live", List.of("alice", "bob"), 1, List.of(), "1 approval of alice, bob", null,
            null, List.of(), null, List.of())),
        List.of(), List.of(), null, null, List.of(), List.of());
    List<StepProgress> progress = List.of(
        new StepProgress("copy-rows", StepAction.APPLY, 0, 2, 3000, 5000L, 1000, 2L, 100, 30, "running", null),
        new StepProgress("copy-rows", StepAction.APPLY, 1, 2, 1000, 5000L, 500, 8L, 100, 10, "paused", "paused by dave"));
    LockWait wait = new LockWait(List.of(new LockBlocker(4242, "nightly-report", "app", "idle in transaction",
        "AccessShareLock", true, "accounts", 3200, 41000)), 3, 12300, 300_000);
    List<StepHeartbeat> lockWaits = List.of(new StepHeartbeat("add-index", StepAction.APPLY, 3, true, List.of(4242), null,
        wait));
    return new RunStatus("run-7", cutover, phase, progress, lockWaits, null);
  }

  private static List<AttributedString> render(int width, boolean colours, WatchFrame.GateCommands answer) {
    return WatchFrame.render(snapshot(), new WatchFrame.View(width, colours, NOW,
        Map.of(WatchFrame.stepKey("copy", "copy-rows"), NOW.minusSeconds(4)), java.util.Set.of(), Map.of(), answer));
  }

  @Test
  void drawsPhasesStepsBarsTheLockWaitAndTheGateCommandWithinTheWidth() {
    List<AttributedString> lines = render(100, false,
        new WatchFrame.GateCommands("127.0.0.1:7299", "default", "alice"));
    String text = WatchFrame.text(lines);
    for (AttributedString line : lines) {
      assertTrue(line.columnLength() <= 100, "wider than 100: " + line);
    }
    assertTrue(text.startsWith("cutover run-7 · plan orders-split · target staging · by carol"), text);
    assertTrue(lines.get(0).toString().endsWith("16:00:30 UTC"), "the clock at the right edge: " + lines.get(0));
    assertTrue(text.contains("state RUNNING · phase copy"), text);
    assertTrue(text.contains("phase prepare               completed         120 ms"), text);
    assertTrue(text.contains("  ✓ create-dst                 sql       120 ms    applied"), text);
    assertTrue(text.contains("  ▶ copy-rows                  backfill  4.0s      running"), text);
    // the step's bar sums its parts: 4,000 of 10,000 rows at 1,500 rows/s, 6,000 left: ETA 4s
    assertTrue(text.contains("      all parts  [") && text.contains("]  40% 4,000 / ~10,000 rows · 1,500 rows/s · ETA 4s"),
        text);
    assertTrue(text.contains("      part 1/2   [") && text.contains("]  60% 3,000 / ~5,000 rows · 1,000 rows/s · ETA 2s"),
        text);
    assertTrue(text.replace("\n    ", " ").contains("]  20% 1,000 / ~5,000 rows · 500 rows/s · ETA 8s · paused (paused by dave)"),
        text);
    assertTrue(text.contains("  · switch                     sql                 pending  [point of no return]"), text);
    // the blocker wraps onto indented lines: none of it is cut
    assertTrue(text.replace("\n    ", " ").contains("lock wait: add-index waits: attempt 3, waiting 12.3s of lockRetryFor 5m; "
        + "blocked by pid 4242 (app 'nightly-report', user 'app', idle in transaction, holds AccessShareLock on accounts,"
        + " blocking 3.2s, transaction open 41.0s)"), text);
    assertTrue(text.contains("gate go waits: 1 approval of alice, bob"), text);
    assertTrue(text.contains("  approvers: alice, bob · 0 of 1 approved"), text);
    assertTrue(text.contains("  approve: cutover approve run-7 --gate go --address 127.0.0.1:7299 --as alice"),
        text);
    assertTrue(text.contains("  reject:  cutover reject run-7 --gate go --address 127.0.0.1:7299 --as alice"),
        text);
  }

  @Test
  void barsShrinkAndLinesAreCutAtANarrowWidth() {
    List<AttributedString> lines = render(60, false, new WatchFrame.GateCommands(null, null, null));
    for (AttributedString line : lines) {
      assertTrue(line.columnLength() <= 60, "wider than 60: " + line);
    }
    String text = WatchFrame.text(lines);
    assertTrue(text.contains("  approve: cutover approve run-7 --gate go\n"), "defaults leave the options out: " + text);
    assertTrue(text.contains("      part 1/2   [█████████░░░░░░]"), "a bar a quarter of the width, 60% filled: " + text);
  }

  @Test
  void coloursOnlyWhenAsked() {
    String plain = render(100, false, new WatchFrame.GateCommands(null, null, null)).stream()
        .map(AttributedString::toAnsi).reduce("", String::concat);
    assertFalse(plain.contains("\033["), "no escape sequences without colours");
    String coloured = render(100, true, new WatchFrame.GateCommands(null, null, null)).stream()
        .map(AttributedString::toAnsi).reduce("", String::concat);
    assertTrue(coloured.contains("\033["), "colours: " + coloured);
    assertEquals(WatchFrame.text(render(100, false, new WatchFrame.GateCommands(null, null, null))),
        WatchFrame.text(render(100, true, new WatchFrame.GateCommands(null, null, null))), "the same text either way");
  }

  @Test
  void aPartThatFinishedStaysOnTheScreenAsDone() {
    RunStatus status = snapshot();
    StepProgress finished = new StepProgress("copy-rows", StepAction.APPLY, 1, 2, 5000, 5000L, 0, 0L, 100, 50, "running",
        null);
    RunStatus oneLeft = new RunStatus(status.workflowId(), status.cutover(), status.phase(),
        List.of(status.progress().get(0)), List.of(), null);
    String text = WatchFrame.text(WatchFrame.render(oneLeft, new WatchFrame.View(100, false, NOW, Map.of(), java.util.Set.of(),
        Map.of(WatchFrame.partKey(finished), finished), new WatchFrame.GateCommands(null, null, null))));
    assertTrue(text.contains("      part 2/2   [") && text.contains("] 100% 5,000 / ~5,000 rows · done"), text);
    assertTrue(text.contains("]  80% 8,000 / ~10,000 rows · 1,000 rows/s · ETA 2s"), text);
  }

  @Test
  void noSumForTheStepUntilEveryPartReported() {
    RunStatus status = snapshot();
    RunStatus oneReported = new RunStatus(status.workflowId(), status.cutover(), status.phase(),
        List.of(status.progress().get(1)), List.of(), null);
    String text = WatchFrame.text(WatchFrame.render(oneReported, new WatchFrame.View(100, false, NOW, Map.of(),
        java.util.Set.of(), Map.of(), new WatchFrame.GateCommands(null, null, null))));
    assertTrue(text.contains("      all parts  1 of 2 parts reporting\n      part 2/2   ["), text);
    assertFalse(text.contains("part 1/2"), text);
  }

  @Test
  void aRunningStepsDurationCountsFromWhenTheWatchFirstSawItRunning() {
    Instant[] now = {NOW};
    java.time.Clock clock = new java.time.Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public java.time.Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now[0];
      }
    };
    StatusWatch watch = new StatusWatch(null, "run-7", 1, new WatchFrame.GateCommands(null, null, null), clock);
    watch.frame(snapshot(), 100, false);
    now[0] = NOW.plusMillis(2500);
    String text = WatchFrame.text(watch.frame(snapshot(), 100, false));
    assertTrue(text.contains("  ▶ copy-rows                  backfill  ≥2.5s     running"), "running before the watch: " + text);
    assertTrue(text.contains("phase copy                  running           5.0s"), "two running steps of 2.5s: " + text);
  }

  @Test
  void aWaitThatHoldsShowsTheSkipCommand() {
    RunStatus status = snapshot();
    PhaseStatus p = status.phase();
    PhaseStatus holding = new PhaseStatus(p.run(), p.plan(), p.target(), p.phase(), RunState.WAITING, "hold",
        List.of(new StepView("hold", "wait", "copy", StepState.WAITING, "waiting until 2026-12-01T17:00:00Z", null, null,
            false)), List.of(), List.of(), List.of(), null, null, List.of(), List.of());
    String text = WatchFrame.text(WatchFrame.render(new RunStatus("run-7", status.cutover(), holding, List.of(), List.of(),
        null), new WatchFrame.View(100, false, NOW, Map.of(), java.util.Set.of(), Map.of(),
        new WatchFrame.GateCommands("127.0.0.1:7299", "prod", null))));
    assertTrue(text.contains("wait hold holds: waiting until 2026-12-01T17:00:00Z\n"
        + "  skip:    cutover skip run-7 --gate hold --address 127.0.0.1:7299 --namespace prod\n"), text);
    assertFalse(text.contains("approve:"), text);
  }
}
