package cutover.activities.steps.command;

import cutover.activities.steps.DefinedKind;
import cutover.activities.steps.ExecutedKind;
import cutover.activities.steps.Json;
import cutover.activities.steps.StepContext;
import cutover.activities.steps.StepOutcome;
import cutover.plan.StepFields;
import cutover.plan.Undo;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kind: command} — runs a command on the worker as a gate (a test suite, a smoke script):
 * exit code 0 passes. {@code command:} is a list (the program and its arguments) or one string
 * run by {@code sh -c}; {@code timeout:} (default 10m) ends it; the last {@code tail:} lines of
 * its output (default 40) are recorded. Refused unless the worker was started with
 * {@code --allow-commands}: a plan alone must not be able to run programs on the worker. The
 * command reaches the step's target, not the worker's default database: it gets the target's
 * connection in libpq's variables ({@link LibpqEnvironment}), so {@code psql} and
 * {@code pg_dump} need no arguments; the other targets' settings are kept from it.
 */
public final class CommandStep extends DefinedKind<CommandSpec> implements ExecutedKind<CommandSpec> {
  static final String NAME = "command";
  private static final int LINE_CHARS = 500;

  public CommandStep() {
    super(NAME, Undo.NOTHING, Execution.OUTSIDE_TRANSACTION, CommandSpec.class);
  }

  @Override
  public CommandSpec read(StepFields fields) {
    List<String> command = fields.optionalStringList("command");
    Duration timeout = fields.optionalDuration("timeout", null);
    String workdir = fields.optionalString("workdir");
    Integer tail = fields.optionalInteger("tail", 1, 1000, null);
    if (command == null || command.isEmpty()) {
      fields.problem("command", command == null ? "a command step needs command:"
              : "a command step needs command: with the program to run, found an empty list",
          "write command: [npx, vitest, run] or a shell line: command: \"cd server && npm test\"");
    }
    if (timeout != null && (timeout.isZero() || timeout.compareTo(Duration.ofHours(12)) > 0)) {
      fields.problem("timeout", "timeout must be above 0 and at most 12h", "write e.g. timeout: 10m");
    }
    return new CommandSpec(command, timeout, workdir, tail);
  }

  @Override
  public StepOutcome apply(StepContext context, CommandSpec spec) {
    List<String> command = spec.command();
    List<String> argv = command.size() == 1 ? List.of("sh", "-c", command.get(0)) : command;
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("command", command);
    if (!context.environment().allowCommands()) {
      report.put("refused", true);
      return StepOutcome.failed("command refused: this worker does not run commands; start the worker with "
          + "`cutover worker --allow-commands` (or `cutover dev --allow-commands`), then retry", Json.write(report));
    }
    Duration timeout = spec.timeout();
    int tailLines = spec.tail();
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    // the worker's target credentials are not the command's business
    builder.environment().keySet().removeIf(name -> name.startsWith("CUTOVER_TARGET"));
    if (spec.workdir() != null) {
      builder.directory(new File(spec.workdir()));
    }
    long started = System.nanoTime();
    Deque<String> tail = new ArrayDeque<>();
    boolean finished = false;
    Process process;
    // the step's own target, for psql and pg_dump: in the child's environment only, the pass file gone after
    try (LibpqEnvironment libpq = LibpqEnvironment.of(context.environment().connection(),
        "cutover command " + context.step().id())) {
      libpq.applyTo(builder.environment());
      report.put("connection", libpq.names());
      try {
        process = builder.start();
      } catch (IOException e) {
        report.put("error", e.getMessage());
        return StepOutcome.failed("command could not start: " + e.getMessage(), Json.write(report));
      }
      Thread reader = new Thread(() -> readTail(process, tail, tailLines), "cutover-command-" + context.step().id());
      reader.setDaemon(true);
      reader.start();
      try {
        long deadline = started + timeout.toNanos();
        while (!finished && System.nanoTime() < deadline) {
          context.environment().heartbeat();
          finished = process.waitFor(Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
              java.util.concurrent.TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        if (!finished) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
        }
      }
      try {
        reader.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } catch (IOException | IllegalArgumentException e) {
      report.put("error", e.getMessage());
      return StepOutcome.failed("command not started: the target's connection could not be given to it: "
          + e.getMessage(), Json.write(report));
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    List<String> lines;
    synchronized (tail) {
      lines = new ArrayList<>(tail);
    }
    report.put("millis", millis);
    report.put("tail", lines);
    String took = String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    if (!finished) {
      report.put("timedOut", true);
      return StepOutcome.failed("command did not finish within " + timeout.toSeconds() + " s and was killed"
          + lastLines(lines), Json.write(report));
    }
    int exit = process.exitValue();
    report.put("exitCode", exit);
    if (exit == 0) {
      return StepOutcome.passed("command exited 0 after " + took, null, Json.write(report));
    }
    return StepOutcome.failed("command exited " + exit + " after " + took + lastLines(lines), Json.write(report));
  }

  @Override
  public StepOutcome compensate(StepContext context, CommandSpec spec) {
    return StepOutcome.of("nothing to undo");
  }

  private static String lastLines(List<String> lines) {
    if (lines.isEmpty()) {
      return "";
    }
    List<String> last = lines.subList(Math.max(0, lines.size() - 5), lines.size());
    return "; last output: " + String.join(" | ", last);
  }

  private static void readTail(Process process, Deque<String> tail, int keep) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (tail) {
          tail.addLast(line.length() > LINE_CHARS ? line.substring(0, LINE_CHARS) + "…" : line);
          while (tail.size() > keep) {
            tail.removeFirst();
          }
        }
      }
    } catch (IOException closed) {
      // the process ended or was killed
    }
  }
}
