package cutover.activities.steps.freeze;

import cutover.activities.steps.DefinedKind;
import cutover.activities.steps.ExecutedKind;
import cutover.activities.steps.SqlTimeouts;
import cutover.activities.steps.StepContext;
import cutover.activities.steps.StepOutcome;
import cutover.plan.StepFields;
import cutover.plan.Undo;

/**
 * {@code kind: unfreeze} — ends the freeze of an earlier step ({@code of: freeze-orders}): the
 * triggers are dropped, or the role's setting put back as it was (see {@link Lifting}). Nothing
 * to undo: a rollback runs this step's compensation first, then the freeze's, which finds its
 * block lifted; the freeze does not come back for a moment on the way.
 */
public final class UnfreezeStep extends DefinedKind<UnfreezeSpec> implements ExecutedKind<UnfreezeSpec> {
  static final String NAME = "unfreeze";

  public UnfreezeStep() {
    super(NAME, Undo.NOTHING, Execution.OUTSIDE_TRANSACTION, UnfreezeSpec.class);
  }

  @Override
  public UnfreezeSpec read(StepFields fields) {
    String of = fields.requiredString("of", "name the freeze step whose block this lifts, e.g. of: freeze-orders");
    SqlTimeouts timeouts = SqlTimeouts.read(fields);
    if (of != null) {
      String kind = fields.earlierStepKind(of).orElse(null);
      if (kind == null) {
        fields.problem("of", "of: names '" + of + "', which is not a step written before this one",
            "name a freeze step of this plan that comes earlier");
      } else if (!kind.equals(FreezeStep.NAME)) {
        fields.problem("of", "of: names '" + of + "', a " + kind + " step, not a freeze step",
            "name the freeze step whose block this lifts");
      }
    }
    return new UnfreezeSpec(of, timeouts);
  }

  @Override
  public StepOutcome apply(StepContext context, UnfreezeSpec spec) {
    return Lifting.lift(context.environment(), context.runId(), spec.of(), context.step().id()).outcome(spec.of());
  }

  @Override
  public StepOutcome compensate(StepContext context, UnfreezeSpec spec) {
    return StepOutcome.of("nothing to undo");
  }
}
