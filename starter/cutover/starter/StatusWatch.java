package cutover.starter;

import cutover.activities.StepProgress;
import cutover.activities.steps.StepState;
import cutover.worker.TemporalConnection;
import cutover.workflows.CutoverStatus;
import cutover.workflows.StepView;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;

/**
 * {@code cutover status RUN --watch}: looks at the run every interval and draws a {@link WatchFrame}
 * until the run ends. On a terminal the frame is redrawn in place (JLine's {@link Display} rewrites
 * only the lines that changed), in colour unless {@code NO_COLOR} is set or the terminal has none;
 * when stdout is not a terminal each changed frame is printed after the last, as plain text.
 */
final class StatusWatch {
  /** Width of the frames printed when stdout is not a terminal. */
  static final int PLAIN_WIDTH = 120;

  private final TemporalConnection connection;
  private final String run;
  private final long intervalMillis;
  private final WatchFrame.GateCommands answer;
  private final Clock clock;
  private final Map<String, Instant> seenRunning = new HashMap<>();
  private final Map<String, StepProgress> lastProgress = new LinkedHashMap<>();
  private final Map<String, StepProgress> finishedParts = new LinkedHashMap<>();
  private final Set<String> runningBeforeWatch = new HashSet<>();
  private boolean looked;

  StatusWatch(TemporalConnection connection, String run, double intervalSeconds, WatchFrame.GateCommands answer,
      Clock clock) {
    this.connection = connection;
    this.run = run;
    this.intervalMillis = Math.max(100, Math.round(intervalSeconds * 1000));
    this.answer = answer;
    this.clock = clock;
  }

  /** Watches until the run ends; on a terminal, when stdout is one, else printing to {@code out}. */
  int watch(PrintWriter out) throws IOException, InterruptedException {
    if (System.console() == null) {
      return watchPlain(out);
    }
    try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
      return watchOn(terminal);
    }
  }

  private int watchOn(Terminal terminal) throws InterruptedException {
    boolean colours = System.getenv("NO_COLOR") == null || System.getenv("NO_COLOR").isEmpty();
    Integer maxColours = terminal.getNumericCapability(Capability.max_colors);
    colours &= maxColours != null && maxColours >= 8;
    Display display = new Display(terminal, false);
    terminal.puts(Capability.cursor_invisible);
    try {
      while (true) {
        // running first: a run that ends between the two looks is drawn once more, ended
        boolean running = StartCommand.isRunning(connection, run);
        RunStatus status = RunStatus.query(connection, run);
        Size size = terminal.getSize();
        int width = size.getColumns() > 0 ? size.getColumns() : PLAIN_WIDTH;
        int height = size.getRows() > 0 ? size.getRows() : 50;
        List<AttributedString> lines = frame(status, width, colours);
        if (lines.size() > height - 1) {
          lines = new ArrayList<>(lines.subList(0, height - 1));
        }
        display.resize(height, width);
        display.update(lines, -1);
        terminal.flush();
        if (!running) {
          terminal.writer().println();
          return CutoverCli.OK;
        }
        Thread.sleep(intervalMillis);
      }
    } finally {
      terminal.puts(Capability.cursor_visible);
      terminal.flush();
    }
  }

  private int watchPlain(PrintWriter out) throws InterruptedException {
    String last = null;
    while (true) {
      boolean running = StartCommand.isRunning(connection, run);
      RunStatus status = RunStatus.query(connection, run);
      List<AttributedString> lines = frame(status, PLAIN_WIDTH, false);
      // the first line holds the clock: a frame is new when anything below it changed
      String text = WatchFrame.text(lines);
      String body = text.substring(text.indexOf('\n') + 1);
      if (!body.equals(last)) {
        out.print(text);
        out.println();
        out.flush();
        last = body;
      }
      if (!running) {
        return CutoverCli.OK;
      }
      Thread.sleep(intervalMillis);
    }
  }

  /** The frame of this look, after noting which steps started running and which backfill parts finished. */
  List<AttributedString> frame(RunStatus status, int width, boolean colours) {
    Instant now = clock.instant();
    note(status, now);
    return WatchFrame.render(status, new WatchFrame.View(width, colours, now, seenRunning, runningBeforeWatch,
        finishedParts, answer));
  }

  private void note(RunStatus status, Instant now) {
    List<StepView> steps = new ArrayList<>();
    if (status.cutover() != null) {
      for (CutoverStatus.PhaseView phase : status.cutover().phases()) {
        boolean current = status.phase() != null && phase.name().equals(status.phase().phase());
        steps.addAll(current ? status.phase().steps() : phase.steps());
      }
      steps.addAll(status.cutover().compensations());
    } else if (status.phase() != null) {
      steps.addAll(status.phase().steps());
    }
    for (StepView step : steps) {
      if (step.millis() == null && (step.state() == StepState.RUNNING || step.state() == StepState.COMPENSATING
          || step.state() == StepState.WAITING)) {
        String key = WatchFrame.stepKey(step.phase(), step.id());
        seenRunning.putIfAbsent(key, now);
        if (!looked) {
          runningBeforeWatch.add(key);
        }
      }
    }
    looked = true;
    // a part's heartbeats end with its activity: keep its last report, as finished, while its step runs
    Set<String> reporting = new HashSet<>();
    if (status.progress() != null) {
      for (StepProgress progress : status.progress()) {
        String key = WatchFrame.partKey(progress);
        reporting.add(key);
        lastProgress.put(key, progress);
        finishedParts.remove(key);
      }
    }
    lastProgress.forEach((key, progress) -> {
      if (!reporting.contains(key)) {
        finishedParts.put(key, progress);
      }
    });
  }
}
