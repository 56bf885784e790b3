package cutover.activities.steps.task;

import cutover.activities.RunEventKind;
import cutover.activities.VerifyCall;
import cutover.activities.steps.Decision;
import cutover.activities.steps.DefinedKind;
import cutover.activities.steps.Gate;
import cutover.activities.steps.GateContext;
import cutover.activities.steps.GateEvents;
import cutover.activities.steps.GateKind;
import cutover.activities.steps.ReportOnly;
import cutover.activities.steps.check.CheckStep;
import cutover.plan.PlanStep;
import cutover.plan.StepFields;
import cutover.plan.Undo;
import java.util.List;

/**
 * {@code kind: task} — a manual task as a gate with a recheck: status shows the
 * {@code instructions:}; a person does the work out of band and says so
 * ({@code cutover done RUN --step ID}); the {@code check:} then runs (the VerifyStep activity, a
 * report kept per try). If it holds the phase goes on; if not, status shows what it found and
 * the task waits for the next done. No psql session is held and no retry is needed;
 * {@code skip} ends the task without its check, and a rollback asked for while it waits is
 * given way to.
 */
public final class TaskGate extends DefinedKind<TaskSpec> implements GateKind<TaskSpec> {
  static final String NAME = "task";

  private final CheckStep check = new CheckStep();

  public TaskGate() {
    super(NAME, Undo.NOTHING, Execution.WORKFLOW, TaskSpec.class);
  }

  @Override
  public TaskSpec read(StepFields fields) {
    String instructions = fields.requiredString("instructions",
        "say what the person is to do, e.g. instructions: fix the 12 customers without an email in the CRM");
    StepFields checkSection = fields.optionalSection(check.name());
    if (checkSection == null) {
      fields.problem("instructions", "a task step needs check: (the check that says the work is done)",
          "add check: with query: SQL that returns the rows still to fix");
      return new TaskSpec(instructions, null);
    }
    TaskSpec spec = new TaskSpec(instructions, check.read(checkSection));
    if (spec.check().fix() != null) {
      checkSection.problem("fix", "a task's check runs no fix: the person's work is the fix",
          "remove fix:, or make it a check step of its own");
    }
    if (Boolean.TRUE.equals(spec.check().reportOnly())) {
      checkSection.problem(ReportOnly.FIELD, "a task's check cannot be report-only: the task would pass whatever "
          + "it finds", "remove reportOnly:");
    }
    return spec;
  }

  /** The check a task runs, as a step of its own kind with the task's id. */
  public static PlanStep checked(PlanStep task, TaskSpec spec) {
    return new PlanStep(task.id(), task.description(), null, false, false, spec.check(), task.line());
  }

  @Override
  public GateEvents events() {
    return new GateEvents(RunEventKind.TASK_OPENED, List.of(RunEventKind.TASK_DONE, RunEventKind.TASK_SKIPPED), false);
  }

  @Override
  public Gate open(PlanStep step, TaskSpec spec, GateContext context) {
    return new Open(step, spec, context);
  }

  private static final class Open implements Gate {
    private final PlanStep step;
    private final TaskSpec spec;
    private final GateContext context;
    private boolean holding;
    private String doneBy;
    private String doneComment;
    private String skippedBy;
    private String skipComment;
    /** What the check found after the last done, or null before the first. */
    private String lastFindings;
    private String lastDoneBy;

    Open(PlanStep step, TaskSpec spec, GateContext context) {
      this.step = step;
      this.spec = spec;
      this.context = context;
    }

    @Override
    public boolean holding() {
      return holding;
    }

    @Override
    public boolean takes(Decision decision) {
      return decision == Decision.DONE || decision == Decision.SKIP;
    }

    @Override
    public String decide(Decision decision, String by, String comment) {
      if (decision == Decision.SKIP) {
        skippedBy = by;
        skipComment = comment;
      } else {
        doneBy = by;
        doneComment = comment;
      }
      return null;
    }

    @Override
    public String pass() {
      context.event(RunEventKind.TASK_OPENED, null, spec.instructions());
      PlanStep checked = checked(step, spec);
      for (int tried = 1; ; tried++) {
        holding = true;
        context.waitingForPeople(waitingText());
        context.awaitPeople(() -> doneBy != null || skippedBy != null || context.rollbackRequested());
        holding = false;
        if (skippedBy != null) {
          String text = "skipped by " + skippedBy + (blank(skipComment) ? "" : ": " + skipComment)
              + " (its check not run)";
          context.event(RunEventKind.TASK_SKIPPED, skippedBy, text);
          context.completed(text, tried - 1, null);
          context.running();
          return null;
        }
        if (doneBy == null) {
          String why = "rollback requested while task '" + step.id() + "' waited";
          context.failed(why);
          return why;
        }
        context.running();
        String by = doneBy + (blank(doneComment) ? "" : " (\"" + doneComment + "\")");
        String failure = context.verify(new VerifyCall(context.target(), context.run(), context.phase(), checked, tried));
        if (failure == null) {
          String text = "done by " + by + "; its check holds" + (tried == 1 ? "" : " at try " + tried);
          context.event(RunEventKind.TASK_DONE, doneBy, text);
          context.completed(text, tried, null);
          return null;
        }
        context.event(RunEventKind.TASK_CHECK_FAILED, doneBy, failure);
        context.notice("task '" + step.id() + "': done by " + by + ", but its check failed: " + failure);
        lastFindings = failure;
        lastDoneBy = doneBy;
        doneBy = null;
        doneComment = null;
      }
    }

    private String waitingText() {
      String run = context.run();
      return "task: " + spec.instructions() + " — when done: cutover done " + run + " --step " + step.id()
          + (lastFindings == null ? "" : "; after the last done (by " + lastDoneBy + ") its check failed: " + lastFindings)
          + "; skip: cutover skip " + run + " --gate " + step.id();
    }

    private static boolean blank(String text) {
      return text == null || text.isBlank();
    }
  }
}
