package cutover.activities.steps;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The one place that maps {@code kind:} names to step kind classes. */
public final class StepKinds {
  private static final Map<String, StepKind> KINDS = new TreeMap<>();

  static {
    register(new SqlStep());
    register(new ApprovalGate());
    register(new ValidateStep());
    register(new ParityStep());
    register(new CheckStep());
    register(new HttpStep());
    register(new CommandStep());
    register(new FlagStep());
    register(new WaitGate());
    register(new SoakGate());
    register(new BackfillStep());
  }

  private StepKinds() {}

  private static void register(StepKind kind) {
    KINDS.put(kind.name(), kind);
  }

  public static Optional<StepKind> find(String name) {
    return Optional.ofNullable(KINDS.get(name));
  }

  public static StepKind get(String name) {
    return find(name).orElseThrow(() -> new IllegalArgumentException("unknown step kind " + name));
  }

  /**
   * Whether steps of this kind run in parts of many transactions ({@link BatchedStep}): the one
   * place the workflows learn how a step executes. Pure, so workflow code may call it.
   */
  public static boolean batched(String name) {
    return KINDS.get(name) instanceof BatchedStep;
  }

  public static Set<String> names() {
    return KINDS.keySet();
  }
}
