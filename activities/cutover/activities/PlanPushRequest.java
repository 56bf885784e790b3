package cutover.activities;

/**
 * @param target where to register the plan; null means the plan's own {@code target:}
 * @param fileName shown in validation messages
 */
public record PlanPushRequest(String yaml, String fileName, String target, String pushedBy) {}
