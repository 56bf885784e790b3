package cutover.activities.steps;

import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import cutover.activities.steps.approval.ApprovalGate;
import cutover.activities.steps.backfill.BackfillStep;
import cutover.activities.steps.check.CheckStep;
import cutover.activities.steps.command.CommandStep;
import cutover.activities.steps.flag.FlagStep;
import cutover.activities.steps.freeze.FreezeStep;
import cutover.activities.steps.freeze.UnfreezeStep;
import cutover.activities.steps.http.HttpStep;
import cutover.activities.steps.parity.ParityStep;
import cutover.activities.steps.snapshot.SnapshotStep;
import cutover.activities.steps.soak.SoakGate;
import cutover.activities.steps.sql.SqlStep;
import cutover.activities.steps.task.TaskGate;
import cutover.activities.steps.validate.ValidateStep;
import cutover.activities.steps.wait.WaitGate;
import cutover.plan.PlanStep;
import cutover.plan.StepKindCatalog;
import cutover.plan.StepSpec;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one place step kinds are registered. The parser reads plans through it, Temporal's JSON
 * learns the kinds' specs from it, and activities and workflows find a step's kind in it.
 */
public final class StepKinds implements StepKindCatalog {
  public static final StepKinds ALL = new StepKinds();

  private final Map<String, StepKind<?>> kinds = new TreeMap<>();

  private StepKinds() {
    register(new SqlStep());
    register(new BackfillStep());
    register(new ValidateStep());
    register(new ParityStep());
    register(new CheckStep());
    register(new HttpStep());
    register(new CommandStep());
    register(new FlagStep());
    register(new ApprovalGate());
    register(new WaitGate());
    register(new SoakGate());
    register(new SnapshotStep());
    register(new TaskGate());
    register(new FreezeStep());
    register(new UnfreezeStep());
  }

  private void register(StepKind<?> kind) {
    kinds.put(kind.name(), kind);
  }

  @Override
  public Optional<StepKind<?>> find(String name) {
    return Optional.ofNullable(name == null ? null : kinds.get(name));
  }

  /** The kind of a step of a loaded plan. */
  public StepKind<?> of(PlanStep step) {
    return find(step.kind()).orElseThrow(() -> new IllegalArgumentException(
        "step '" + step.id() + "' has unknown kind '" + step.kind() + "'; known kinds: " + String.join(", ", names())));
  }

  @Override
  public Set<String> names() {
    return Collections.unmodifiableSet(kinds.keySet());
  }

  public Collection<StepKind<?>> kinds() {
    return Collections.unmodifiableCollection(kinds.values());
  }

  /** Each kind's name and spec record, by name: what the plan schema describes. */
  public Map<String, Class<? extends StepSpec>> specTypes() {
    Map<String, Class<? extends StepSpec>> specs = new LinkedHashMap<>();
    kinds.values().forEach(kind -> specs.put(kind.name(), kind.specType()));
    return Collections.unmodifiableMap(specs);
  }

  /** Tells Jackson which spec record each {@code kind} names, for plans travelling through Temporal. */
  public Module jacksonModule() {
    SimpleModule module = new SimpleModule("cutover-step-kinds");
    kinds.values().forEach(kind -> module.registerSubtypes(new NamedType(kind.specType(), kind.name())));
    return module;
  }
}
