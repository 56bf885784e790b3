package cutover.activities.steps;

import cutover.activities.Ledger;
import cutover.plan.StepFields;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code kind: flag} — sets a named flag in {@code cutover.flag}, which applications read
 * (maintenance mode, a feature flag): {@code flag: maintenance} with {@code enabled: true|false}
 * or {@code value: "text"}, for everyone or per tenant ({@code tenants: [t1, t2]}). The previous
 * values are kept in {@code cutover.flag_change}; a rollback restores them.
 */
public final class FlagStep implements StepKind {
  static final String EVERYONE = "";

  @Override
  public String name() {
    return "flag";
  }

  @Override
  public Undo undo() {
    return Undo.AUTOMATIC;
  }

  @Override
  public void validate(StepFields fields) {
    String flag = fields.requiredString("flag", "name the flag, e.g. flag: maintenance");
    boolean hasEnabled = fields.optionalBoolean("enabled", false);
    String value = fields.optionalString("value");
    List<String> tenants = fields.optionalStringList("tenants");
    SqlTimeouts.validate(fields);
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
  }

  /** The value the step sets: value:, else enabled: as "true" / "false". */
  static String value(cutover.plan.PlanStep step) {
    String value = step.string("value");
    return value != null ? value : String.valueOf(step.flag("enabled"));
  }

  @Override
  public StepOutcome apply(StepContext context) {
    Ledger ledger = new Ledger(context.sql());
    String flag = context.step().string("flag");
    String value = value(context.step());
    List<String> tenants = context.step().strings("tenants").isEmpty() ? List.of(EVERYONE)
        : context.step().strings("tenants");
    List<String> changes = new ArrayList<>();
    for (String tenant : tenants) {
      String previous = ledger.flagForUpdate(flag, tenant).orElse(null);
      ledger.setFlag(flag, tenant, value, by(context));
      ledger.insertFlagChange(context.runId(), context.step().id(), new Ledger.FlagChange(flag, tenant, previous, value));
      changes.add(scope(tenant) + " (was " + (previous == null ? "unset" : previous) + ")");
    }
    return new StepOutcome("flag " + flag + " set to " + value + " " + String.join(", ", changes),
        (long) tenants.size());
  }

  @Override
  public StepOutcome compensate(StepContext context) {
    Ledger ledger = new Ledger(context.sql());
    List<Ledger.FlagChange> changes = ledger.flagChanges(context.runId(), context.step().id());
    List<String> restored = new ArrayList<>();
    for (Ledger.FlagChange change : changes) {
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
