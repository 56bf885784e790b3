package cutover.activities.steps;

import cutover.plan.StepSpec;
import cutover.plan.Undo;

/** A kind whose definition is given once, to its constructor. */
public abstract class DefinedKind<S extends StepSpec> implements StepKind<S> {
  private final Definition<S> definition;

  protected DefinedKind(String name, Undo undo, Execution execution, Class<S> specType) {
    this.definition = new Definition<>(name, undo, execution, specType);
  }

  @Override
  public final Definition<S> definition() {
    return definition;
  }
}
