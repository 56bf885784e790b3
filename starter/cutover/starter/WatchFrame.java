package cutover.starter;

import cutover.activities.StepAction;
import cutover.activities.StepHeartbeat;
import cutover.activities.StepProgress;
import cutover.activities.steps.GateView;
import cutover.activities.steps.StepState;
import cutover.workflows.CutoverStatus;
import cutover.workflows.PhaseStatus;
import cutover.workflows.StepView;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * One screen of {@code cutover status --watch}, drawn from a {@link RunStatus} snapshot: phases and
 * steps with state and duration, a progress bar per backfill part and for its step, the gate
 * waiting with the command that answers it, lock waits with their blockers. Pure: the same
 * snapshot, width and clock give the same lines, none wider than the width.
 */
final class WatchFrame {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final int MIN_BAR = 10;
  private static final int MAX_BAR = 40;

  /**
   * What the frame needs besides the snapshot.
   *
   * @param width the terminal's columns
   * @param colours whether to style the lines (false: plain text)
   * @param now the frame's time
   * @param seenRunning when the watch first saw each step running or waiting (by phase and step), for its duration so far
   * @param runningBeforeWatch steps that were running at the watch's first look: their durations are at least that
   * @param finishedParts backfill parts that reported progress and no longer run, with their last report
   * @param answer how the gate commands reach this run
   */
  record View(int width, boolean colours, Instant now, Map<String, Instant> seenRunning,
      java.util.Set<String> runningBeforeWatch, Map<String, StepProgress> finishedParts, GateCommands answer) {}

  /**
   * The options an answer to a gate must carry to reach the run as this watch does: {@code --address}
   * and {@code --namespace} when they are not the defaults, {@code --as} when the watch was given one.
   */
  record GateCommands(String address, String namespace, String as) {
    String of(String verb, String run, String gate) {
      StringBuilder command = new StringBuilder("cutover ").append(verb).append(' ').append(run).append(" --gate ").append(gate);
      if (address != null && !address.equals(cutover.worker.TemporalConnection.DEFAULT_ADDRESS)) {
        command.append(" --address ").append(address);
      }
      if (namespace != null && !namespace.equals(cutover.worker.TemporalConnection.DEFAULT_NAMESPACE)) {
        command.append(" --namespace ").append(namespace);
      }
      if (as != null) {
        command.append(" --as ").append(as);
      }
      return command.toString();
    }
  }

  private final View view;
  private final List<AttributedString> lines = new ArrayList<>();

  private WatchFrame(View view) {
    this.view = view;
  }

  static List<AttributedString> render(RunStatus status, View view) {
    WatchFrame frame = new WatchFrame(view);
    frame.draw(status);
    return frame.lines;
  }

  /** The frame as plain text, one line each: what a terminal without colours shows. */
  static String text(List<AttributedString> lines) {
    StringBuilder text = new StringBuilder();
    lines.forEach(line -> text.append(line.toString()).append('\n'));
    return text.toString();
  }

  /** Key of a step in {@link View#seenRunning}. */
  static String stepKey(String phase, String step) {
    return phase + "/" + step;
  }

  /** Key of a backfill part in {@link View#finishedParts}. */
  static String partKey(StepProgress progress) {
    return progress.stepId() + "/" + progress.action().word() + "/" + progress.part();
  }

  private void draw(RunStatus status) {
    CutoverStatus cutover = status.cutover();
    PhaseStatus current = status.phase();
    String run = cutover != null && cutover.run() != null ? cutover.run()
        : current == null || current.run() == null ? status.workflowId() : current.run();
    AttributedStringBuilder head = new AttributedStringBuilder().style(style(AttributedStyle.DEFAULT.bold()))
        .append("cutover ").append(run).style(AttributedStyle.DEFAULT);
    if (cutover != null) {
      head.append(" · plan ").append(cutover.plan()).append(" · target ").append(cutover.target());
      if (cutover.startedBy() != null) {
        head.append(" · by ").append(cutover.startedBy());
      }
    } else if (current != null) {
      head.append(" · phase ").append(current.phase()).append(" of plan ").append(current.plan())
          .append(" · target ").append(current.target());
    }
    line(rightAligned(head.toAttributedString(), CLOCK.format(view.now()) + " UTC"));
    line(stateLine(status));

    List<StepProgress> progress = status.progress() == null ? List.of() : status.progress();
    if (cutover != null) {
      for (CutoverStatus.PhaseView phase : cutover.phases()) {
        boolean running = current != null && phase.name().equals(current.phase());
        List<StepView> steps = running ? current.steps() : phase.steps();
        phaseLine(phase.name(), running ? current.state().name().toLowerCase(Locale.ROOT) : phase.state().word(), steps);
        steps.forEach(step -> step(step, running ? progress : List.of()));
      }
      if (!cutover.compensations().isEmpty()) {
        line(plain("  compensations of earlier phases"));
        cutover.compensations().forEach(step -> step(step, progress));
      }
    } else if (current != null) {
      phaseLine(current.phase(), current.state().name().toLowerCase(Locale.ROOT), current.steps());
      current.steps().forEach(step -> step(step, progress));
    }
    if (status.lockWaits() != null) {
      status.lockWaits().forEach(this::lockWait);
    }
    if (current != null) {
      for (GateView gate : current.pendingGates()) {
        boolean approval = current.steps().stream().filter(step -> step.id().equals(gate.gate()))
            .noneMatch(step -> "wait".equals(step.kind()) || "soak".equals(step.kind()));
        gate(gate, run, approval);
      }
      // a wait or soak holds on its timer: people may only end it early
      for (StepView step : current.steps()) {
        boolean timed = "wait".equals(step.kind()) || "soak".equals(step.kind());
        if (timed && step.state() == StepState.WAITING
            && current.pendingGates().stream().noneMatch(g -> g.gate().equals(step.id()))) {
          wrapped(new AttributedStringBuilder()
              .style(style(AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW).bold()))
              .append(step.kind()).append(' ').append(step.id()).append(" holds").style(AttributedStyle.DEFAULT)
              .append(step.outcome() == null ? "" : ": " + step.outcome()).toAttributedString());
          command("  skip:    ", view.answer().of("skip", run, step.id()));
        }
      }
    }
    String error = cutover != null && cutover.lastError() != null ? cutover.lastError()
        : current == null ? null : current.lastError();
    if (error != null) {
      wrapped(new AttributedStringBuilder().style(style(AttributedStyle.DEFAULT.foreground(AttributedStyle.RED)))
          .append("error: ").append(error).toAttributedString());
    }
    List<String> notices = status.notices();
    notices.stream().skip(Math.max(0, notices.size() - 3)).forEach(n -> wrapped(plain("notice: " + n)));
  }

  private AttributedString stateLine(RunStatus status) {
    AttributedStringBuilder state = new AttributedStringBuilder().append("state ");
    WorkflowEnding ending = status.ending();
    if (ending != null) {
      state.style(style(AttributedStyle.DEFAULT.bold())).append("ended: ").append(ending.how());
    } else if (status.cutover() != null) {
      state.style(style(AttributedStyle.DEFAULT.bold())).append(status.cutover().state().name());
      if (status.cutover().currentPhase() != null) {
        state.style(AttributedStyle.DEFAULT).append(" · phase ").append(status.cutover().currentPhase());
      }
    } else if (status.phase() != null) {
      state.style(style(AttributedStyle.DEFAULT.bold())).append(status.phase().state().name());
    }
    return state.toAttributedString();
  }

  private void phaseLine(String name, String state, List<StepView> steps) {
    long millis = 0;
    for (StepView step : steps) {
      millis += millis(step);
    }
    AttributedStringBuilder phase = new AttributedStringBuilder().append("phase ")
        .style(style(AttributedStyle.DEFAULT.bold())).append(pad(name, 22)).style(AttributedStyle.DEFAULT)
        .append(pad(state, 18));
    if (millis > 0) {
      phase.append(duration(millis));
    }
    line(phase.toAttributedString());
  }

  private void step(StepView step, List<StepProgress> progress) {
    long millis = millis(step);
    AttributedStringBuilder text = new AttributedStringBuilder().append("  ")
        .style(style(stateStyle(step.state()))).append(StatusPrinter.mark(step.state())).append(' ')
        .append(pad(step.id(), 26)).style(AttributedStyle.DEFAULT).append(' ').append(pad(step.kind(), 9)).append(' ')
        .append(pad(millis <= 0 ? "" : (view.runningBeforeWatch().contains(stepKey(step.phase(), step.id()))
            && step.millis() == null ? "≥" : "") + duration(millis), 8)).append("  ")
        .style(style(stateStyle(step.state())))
        .append(step.outcome() == null ? step.state() == null ? "?" : step.state().word() : step.outcome())
        .style(AttributedStyle.DEFAULT);
    if (step.pointOfNoReturn()) {
      text.append("  [point of no return]");
    }
    line(text.toAttributedString());
    if (step.state() != StepState.RUNNING && step.state() != StepState.COMPENSATING) {
      return;
    }
    StepAction action = step.state() == StepState.COMPENSATING ? StepAction.COMPENSATE : StepAction.APPLY;
    List<StepProgress> parts = new ArrayList<>(progress.stream()
        .filter(p -> p.stepId().equals(step.id()) && p.action() == action).toList());
    view.finishedParts().values().stream()
        .filter(p -> p.stepId().equals(step.id()) && p.action() == action
            && parts.stream().noneMatch(running -> running.part() == p.part()))
        .forEach(parts::add);
    parts.sort(java.util.Comparator.comparingInt(StepProgress::part));
    if (parts.isEmpty()) {
      return;
    }
    int partCount = parts.get(0).parts();
    if (partCount > 1 && parts.size() == partCount) {
      bar("all parts", total(parts), false);
    } else if (partCount > 1) {
      // a sum over the parts that reported so far would pass for the step's
      line(plain("      all parts  " + parts.size() + " of " + partCount + " parts reporting"));
    }
    for (StepProgress part : parts) {
      bar("part " + (part.part() + 1) + "/" + part.parts(), part,
          view.finishedParts().containsKey(partKey(part)) && !progress.contains(part));
    }
  }

  /** The step's sum over its parts: rows, estimate, rate, and the ETA at that rate. */
  private static StepProgress total(List<StepProgress> parts) {
    long rows = 0;
    long estimate = 0;
    boolean estimated = true;
    double rate = 0;
    for (StepProgress part : parts) {
      rows += part.rowsDone();
      if (part.rowsEstimate() == null) {
        estimated = false;
      } else {
        estimate += part.rowsEstimate();
      }
      rate += part.rowsPerSecond();
    }
    Long eta = estimated && rate > 0 ? Math.round(Math.max(0, estimate - rows) / rate) : null;
    StepProgress first = parts.get(0);
    return new StepProgress(first.stepId(), first.action(), 0, first.parts(), rows, estimated ? estimate : null, rate,
        eta, 0, 0, "running", null);
  }

  private void bar(String label, StepProgress part, boolean finished) {
    String rows = String.format(Locale.ROOT, "%,d", part.rowsDone())
        + (part.rowsEstimate() != null && part.rowsEstimate() > 0
            ? String.format(Locale.ROOT, " / ~%,d rows", part.rowsEstimate()) : " rows");
    String rate = finished ? "done" : String.format(Locale.ROOT, "%,.0f rows/s", part.rowsPerSecond())
        + (part.etaSeconds() != null ? " · ETA " + seconds(part.etaSeconds()) : "");
    if (!finished && part.state() != null && !"running".equals(part.state())) {
      rate += " · " + part.state() + (part.note() == null || part.note().isBlank() ? "" : " (" + part.note() + ")");
    }
    String prefix = "      " + pad(label, 10) + " ";
    String figures = " " + rows + " · " + rate;
    // one width for every bar of the frame, so that they line up
    int barWidth = Math.max(MIN_BAR, Math.min(MAX_BAR, view.width() / 4));
    AttributedStringBuilder text = new AttributedStringBuilder().append(prefix);
    if (part.rowsEstimate() != null && part.rowsEstimate() > 0) {
      double fraction = finished ? 1 : Math.min(1, (double) part.rowsDone() / part.rowsEstimate());
      int filled = (int) Math.round(fraction * barWidth);
      text.append('[').style(style(AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN)))
          .append("█".repeat(filled)).style(AttributedStyle.DEFAULT).append("░".repeat(barWidth - filled)).append(']')
          .append(String.format(Locale.ROOT, " %3d%%", Math.round(fraction * 100)));
    } else {
      // no estimate: rows and rate without a bar's fill
      text.append('[').append(" ".repeat(barWidth)).append(']').append("     ");
    }
    wrapped(text.append(figures).toAttributedString());
  }

  private void lockWait(StepHeartbeat wait) {
    String part = wait.progress() == null ? "" : " part " + (wait.progress().part() + 1) + "/" + wait.progress().parts();
    wrapped(new AttributedStringBuilder().style(style(AttributedStyle.DEFAULT.foreground(AttributedStyle.RED).bold()))
        .append("lock wait: ").style(AttributedStyle.DEFAULT)
        .append(wait.action() == StepAction.COMPENSATE ? "compensation of " + wait.stepId() : wait.stepId()).append(part)
        .append(" waits: ").append(wait.lockWait().describe()).toAttributedString());
  }

  /** @param decidedByPeople an approval (approve / reject), else a wait or soak that people may only skip */
  private void gate(GateView gate, String run, boolean decidedByPeople) {
    AttributedStyle attention = style(AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW).bold());
    wrapped(new AttributedStringBuilder().style(attention).append("gate ").append(gate.gate()).append(" waits")
        .style(AttributedStyle.DEFAULT).append(": ").append(gate.waitingFor()).toAttributedString());
    if (gate.approvers() != null && !gate.approvers().isEmpty()) {
      line(plain("  approvers: " + String.join(", ", gate.approvers()) + " · " + gate.approvedBy().size() + " of "
          + gate.approvalsNeeded() + " approved" + (gate.approvedBy().isEmpty() ? "" : " (" + String.join(", ",
          gate.approvedBy()) + ")")));
    }
    if (decidedByPeople) {
      command("  approve: ", view.answer().of("approve", run, gate.gate()));
      command("  reject:  ", view.answer().of("reject", run, gate.gate()));
    } else {
      command("  skip:    ", view.answer().of("skip", run, gate.gate()));
    }
  }

  /** How long the step took, or has run (waited) so far since the watch first saw it. */
  private long millis(StepView step) {
    if (step.millis() != null) {
      return step.millis();
    }
    Instant since = view.seenRunning().get(stepKey(step.phase(), step.id()));
    return since == null ? 0 : Duration.between(since, view.now()).toMillis();
  }

  private AttributedStyle stateStyle(StepState state) {
    if (state == null) {
      return AttributedStyle.DEFAULT;
    }
    return switch (state) {
      case COMPLETED -> AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
      case RUNNING, COMPENSATING -> AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN).bold();
      case WAITING -> AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW).bold();
      case FAILED, COMPENSATION_FAILED -> AttributedStyle.DEFAULT.foreground(AttributedStyle.RED).bold();
      case COMPENSATED, STOPPED -> AttributedStyle.DEFAULT.foreground(AttributedStyle.MAGENTA);
      case ACCEPTED -> AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
      case PENDING -> AttributedStyle.DEFAULT.faint();
    };
  }

  /** The style, or none when the terminal has no colours. */
  private AttributedStyle style(AttributedStyle wanted) {
    return view.colours() ? wanted : AttributedStyle.DEFAULT;
  }

  private AttributedString rightAligned(AttributedString left, String right) {
    int gap = view.width() - left.columnLength() - right.length();
    if (gap < 2) {
      return left;
    }
    return new AttributedStringBuilder().append(left).append(" ".repeat(gap)).append(right).toAttributedString();
  }

  private static AttributedString plain(String text) {
    return new AttributedString(text);
  }

  /**
   * Adds a line that may be long (a blocker, an error), wrapped at the width onto lines indented by
   * four: all of it matters, and the terminal's own wrapping would break the redraw in place.
   */
  private void wrapped(AttributedString text) {
    AttributedString rest = text;
    int indent = 0;
    while (indent + rest.columnLength() > view.width() && view.width() > 20) {
      int room = view.width() - indent;
      int space = rest.toString().lastIndexOf(' ', room);
      boolean atSpace = space > room / 2;
      int cut = atSpace ? space : room;
      lines.add(new AttributedStringBuilder().append(" ".repeat(indent)).append(rest.columnSubSequence(0, cut))
          .toAttributedString());
      rest = rest.columnSubSequence(atSpace ? cut + 1 : cut, rest.columnLength());
      indent = 4;
    }
    line(new AttributedStringBuilder().append(" ".repeat(indent)).append(rest).toAttributedString());
  }

  /**
   * Adds a command to copy: after its label when it fits, else on lines of its own cut at the width
   * exactly, with nothing added, so that the pieces join back into the command.
   */
  private void command(String label, String command) {
    if (label.length() + command.length() <= view.width()) {
      line(plain(label + command));
      return;
    }
    line(plain(label.stripTrailing()));
    for (int at = 0; at < command.length(); at += view.width()) {
      line(plain(command.substring(at, Math.min(command.length(), at + view.width()))));
    }
  }

  /** Adds a line, cut at the width: a wider one would wrap and break the redraw in place. */
  private void line(AttributedString text) {
    lines.add(text.columnLength() <= view.width() ? text : text.columnSubSequence(0, view.width()));
  }

  private static String pad(String text, int width) {
    String shown = text == null ? "" : text;
    return shown.length() >= width ? shown : shown + " ".repeat(width - shown.length());
  }

  /** "4s", "4m 05s", "2h 03m". */
  static String seconds(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    return seconds < 3600 ? String.format(Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60)
        : String.format(Locale.ROOT, "%dh %02dm", seconds / 3600, seconds % 3600 / 60);
  }

  /** "850 ms", "12.3s", "4m 05s", "2h 03m". */
  static String duration(long millis) {
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
    long seconds = millis / 1000;
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%dh %02dm", seconds / 3600, seconds % 3600 / 60);
  }
}
