package cutover.activities;

import cutover.plan.Plan;

public record LoadedPlan(Plan plan, String hash) {}
