package cutover.plan.schema;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * The shape of a plan file, for the schema only: the plan's fields, a phase's, and those every
 * step has. They mirror {@code PlanParser.PLAN_FIELDS}, {@code PHASE_FIELDS} and
 * {@code STEP_FIELDS} (a test keeps them equal). A step's kind-specific fields come from its kind's
 * spec record, added per kind by {@link PlanSchema}.
 */
@JsonClassDescription("A cutover plan: phases of steps, run in order. Checked fully by `cutover plan validate`.")
public record PlanDocument(
    @Required
    @JsonPropertyDescription("The plan's name in the target's ledger, e.g. contract-templates.")
    String name,
    @Required
    @JsonPropertyDescription("A target name configured on the worker, never a URL.")
    String target,
    @JsonPropertyDescription("What the plan does, for people.")
    String description,
    @Required
    @JsonPropertyDescription("The phases, run in order.")
    List<Phase> phases) {

  @JsonClassDescription("A phase: steps run in order; a rollback undoes the phase's completed steps.")
  public record Phase(
      @Required
      @JsonPropertyDescription("The phase's name, unique in the plan.")
      String name,
      @JsonPropertyDescription("What the phase does, for people.")
      String description,
      @Required
      @JsonPropertyDescription("The phase's steps, run in order.")
      List<Step> steps,
      @JsonPropertyDescription("Runs the steps once per key a query lists (a tenant), in waves; see the README's "
          + "\"Tenant waves\". The steps read the key as current_setting('cutover.key').")
      Waves waves) {}

  @JsonClassDescription("Tenant waves: canary keys first, then waves of size keys, at most concurrency at once.")
  public record Waves(
      @Required
      @JsonPropertyDescription("A read-only query on the target whose first column lists the keys, run once when the "
          + "phase starts, e.g. SELECT tenant_id FROM tenants ORDER BY 1.")
      String keys,
      @JsonPropertyDescription("Keys run first, all of which must pass: a list of keys, or a count of the first keys.")
      Canary canary,
      @JsonProperty(defaultValue = "" + cutover.plan.Waves.DEFAULT_SIZE)
      @JsonPropertyDescription("Keys per wave, 1 to " + cutover.plan.Waves.MAX_SIZE + ".")
      Integer size,
      @JsonProperty(defaultValue = "1")
      @JsonPropertyDescription("Most keys running at once, 1 to " + cutover.plan.Waves.MAX_CONCURRENCY + ".")
      Integer concurrency,
      @JsonProperty(defaultValue = "0")
      @JsonPropertyDescription("How many keys may fail before no new key starts and the phase fails.")
      Integer failureBudget,
      @JsonProperty(defaultValue = "false")
      @JsonPropertyDescription("Each wave after the first waits for an approval (cutover approve), as an approval step.")
      Boolean approveBetween,
      @JsonProperty(defaultValue = "30s")
      @JsonPropertyDescription("The longest the key query may run.")
      java.time.Duration keysTimeout) {}

  /** For the schema: a list of keys, or a count of the first keys. */
  public interface Canary {}

  @JsonClassDescription("A step: the fields every step has, and those of its kind.")
  public record Step(
      @Required
      @JsonPropertyDescription("The step's id, unique in the whole plan.")
      String id,
      @Required
      @JsonPropertyDescription("The step's kind; it decides which other fields the step takes.")
      String kind,
      @JsonPropertyDescription("What the step does, for people.")
      String description,
      @JsonPropertyDescription("SQL that undoes the step on a rollback. A kind that undoes nothing, or undoes itself, takes none.")
      String compensate,
      @JsonProperty(defaultValue = "false")
      @JsonPropertyDescription("The step cannot be undone; a kind that needs compensate: takes this instead.")
      Boolean irreversible,
      @JsonProperty(defaultValue = "false")
      @JsonPropertyDescription("Once this step completes, rollback of the cutover is refused.")
      Boolean pointOfNoReturn,
      @JsonPropertyDescription("Lint rules this step acknowledges, with the reason: `cutover plan lint` reports their "
          + "findings as acknowledged, and push and start no longer refuse the plan for them.")
      Lint lint) {}

  @JsonClassDescription("Lint rules a step acknowledges.")
  public record Lint(
      @Required
      @JsonPropertyDescription("Rule ids, as `cutover plan lint` names them, e.g. index-blocks-writes.")
      List<String> allow,
      @Required
      @JsonPropertyDescription("Why the rule does not apply or the risk is accepted, for reviewers.")
      String because) {}
}
