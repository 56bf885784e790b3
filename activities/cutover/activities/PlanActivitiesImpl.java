package cutover.activities;

import cutover.activities.steps.StepKinds;
import cutover.activities.lint.LintFinding;
import cutover.activities.lint.PlanLint;
import cutover.plan.InvalidPlanException;
import cutover.plan.Plan;
import cutover.plan.PlanParser;
import cutover.plan.PlanProblem;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashSet;
import java.time.Instant;
import java.util.List;

/** The plan registry: plans validated on the worker, stored in the target's ledger by name and content hash. */
public final class PlanActivitiesImpl implements PlanActivities {
  private final Targets targets;

  public PlanActivitiesImpl(Targets targets) {
    this.targets = targets;
  }

  @Override
  public PlanPushResult push(PlanPushRequest request) {
    String fileName = fileName(request);
    Plan plan;
    try {
      plan = PlanParser.parse(request.yaml(), fileName, new LinkedHashSet<>(targets.knownNames()), StepKinds.ALL);
    } catch (InvalidPlanException invalid) {
      return refused(request.target(), invalid.problems().stream().map(PlanProblem::format).toList());
    }
    String target = request.target() == null || request.target().isBlank() ? plan.target() : request.target();
    List<String> lintErrors = lintErrors(plan, request.yaml(), fileName);
    if (!lintErrors.isEmpty()) {
      return refused(target, lintErrors);
    }
    if (!targets.has(target)) {
      return refused(target, List.of("target '" + target + "' is not configured on the worker; it has: "
          + String.join(", ", targets.names())));
    }
    String hash = PlanParser.hash(request.yaml());
    boolean created = new Plans(targets.dsl(target))
        .savePlan(plan.name(), hash, request.yaml(), fileName, request.pushedBy() == null ? "unknown" : request.pushedBy());
    return new PlanPushResult(plan.name(), target, hash, created, List.of());
  }

  @Override
  public PlanPushResult readTarget(PlanPushRequest request) {
    try {
      return new PlanPushResult(null, PlanParser.parse(request.yaml(), fileName(request), null, StepKinds.ALL).target(),
          null, false, List.of());
    } catch (InvalidPlanException invalid) {
      return refused(null, invalid.problems().stream().map(PlanProblem::format).toList());
    }
  }

  private static String fileName(PlanPushRequest request) {
    return request.fileName() == null ? "plan.yaml" : request.fileName();
  }

  @Override
  public LoadedPlan load(PlanRef ref) {
    if (!targets.has(ref.target())) {
      throw ApplicationFailure.newNonRetryableFailure("target '" + ref.target() + "' is not configured on the worker; "
          + "it has: " + String.join(", ", targets.names()), "UnknownTarget");
    }
    Plans.StoredPlan stored = new Plans(targets.dsl(ref.target())).loadPlan(ref.name(), ref.version())
        .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure("no plan named '" + ref.name() + "'"
            + (ref.version() == null ? "" : " with version " + ref.version()) + " is pushed for target '"
            + ref.target() + "'; push it first: cutover plan push FILE --target " + ref.target(), "PlanNotFound"));
    Plan plan;
    try {
      plan = PlanParser.parse(stored.source(), stored.fileName(), null, StepKinds.ALL);
    } catch (InvalidPlanException invalid) {
      throw ApplicationFailure.newNonRetryableFailure("the pushed plan no longer validates: " + invalid.getMessage(),
          "InvalidPlan");
    }
    if (ref.lint()) {
      List<String> lintErrors = lintErrors(plan, stored.source(), stored.fileName());
      if (!lintErrors.isEmpty()) {
        throw ApplicationFailure.newNonRetryableFailure("the plan has lint errors no step acknowledges; nothing was "
            + "started:\n" + String.join("\n", lintErrors), LINT_ERRORS);
      }
    }
    return new LoadedPlan(plan, stored.hash());
  }

  /** The plan's unacknowledged lint errors, formatted; they refuse a push and a start. */
  private static List<String> lintErrors(Plan plan, String yaml, String fileName) {
    return PlanLint.lint(plan, yaml, fileName, Instant.now()).blocking().stream().map(LintFinding::format).toList();
  }

  private static PlanPushResult refused(String target, List<String> problems) {
    return new PlanPushResult(null, target, null, false, problems);
  }
}
