package cutover.activities.steps.flag;

import cutover.activities.Flags;
import cutover.activities.steps.DefinedKind;
import cutover.activities.steps.ExecutedKind;
import cutover.activities.steps.SqlTimeouts;
import cutover.activities.steps.StepContext;
import cutover.activities.steps.StepOutcome;
import cutover.plan.StepFields;
import cutover.plan.Undo;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code kind: flag} — sets a named flag in {@code cutover.flag}, which applications read
 * (maintenance mode, a feature flag): {@code flag: maintenance} with {@code enabled: true|false}
 * or {@code value: "text"}, for everyone or per tenant ({@code tenants: [t1, t2]}). The previous
 * values are kept in {@code cutover.flag_change}; a rollback restores them.
 */
public final class FlagStep extends DefinedKind<FlagSpec> implements ExecutedKind<FlagSpec> {
  static final String NAME = "flag";
  static final String EVERYONE = "";

  public FlagStep() {
    super(NAME, Undo.AUTOMATIC, Execution.IN_TRANSACTION, FlagSpec.class);
  }

  @Override
  public FlagSpec read(StepFields fields) {
    String flag = fields.requiredString("flag", "name the flag, e.g. flag: maintenance");
    boolean hasEnabled = fields.optionalBoolean("enabled", false);
    String value = fields.optionalString("value");
    List<String> tenants = fields.optionalStringList("tenants");
    SqlTimeouts timeouts = SqlTimeouts.read(fields);
    if (flag != null && flag.length() > 200) {
      fields.problem("flag", "the flag's name is longer than 200 characters", "shorten it");
    }
    if (value != null && value.length() > 2000) {
      fields.problem("value", "the value is longer than 2000 characters", "shorten it");
    }
    if (value != null && hasEnabled) {
      fields.problem("value", "a flag step sets enabled: or value:, not both", "keep one of them");
    }
    if (tenants != null && tenants.stream().anyMatch(t -> t.length() > 200)) {
      fields.problem("tenants", "a tenant is longer than 200 characters", "use the tenant's id");
    }
    return new FlagSpec(flag, hasEnabled, value, tenants, timeouts);
  }

  @Override
  public StepOutcome apply(StepContext context, FlagSpec spec) {
    Flags ledger = new Flags(context.sql());
    String flag = spec.flag();
    String value = spec.setting();
    List<String> tenants = spec.tenants().isEmpty() ? List.of(EVERYONE) : spec.tenants();
    List<String> changes = new ArrayList<>();
    for (String tenant : tenants) {
      String previous = ledger.flagForUpdate(flag, tenant).orElse(null);
      ledger.setFlag(flag, tenant, value, by(context));
      ledger.insertFlagChange(context.runId(), context.step().id(), new Flags.FlagChange(flag, tenant, previous, value));
      changes.add(scope(tenant) + " (was " + (previous == null ? "unset" : previous) + ")");
    }
    return new StepOutcome("flag " + flag + " set to " + value + " " + String.join(", ", changes),
        (long) tenants.size());
  }

  @Override
  public StepOutcome compensate(StepContext context, FlagSpec spec) {
    Flags ledger = new Flags(context.sql());
    List<Flags.FlagChange> changes = ledger.flagChanges(context.runId(), context.step().id());
    List<String> restored = new ArrayList<>();
    for (Flags.FlagChange change : changes) {
      ledger.flagForUpdate(change.name(), change.tenant());
      if (change.previousValue() == null) {
        ledger.removeFlag(change.name(), change.tenant());
      } else {
        ledger.setFlag(change.name(), change.tenant(), change.previousValue(), by(context) + " (rollback)");
      }
      restored.add(change.name() + " " + scope(change.tenant()) + " to "
          + (change.previousValue() == null ? "unset" : change.previousValue()));
    }
    return new StepOutcome(restored.isEmpty() ? "no flag was changed: nothing to restore"
        : "restored flag " + String.join(", ", restored), (long) restored.size());
  }

  private static String by(StepContext context) {
    return "run " + context.runId() + " step " + context.step().id();
  }

  private static String scope(String tenant) {
    return EVERYONE.equals(tenant) ? "for everyone" : "for tenant " + tenant;
  }
}
