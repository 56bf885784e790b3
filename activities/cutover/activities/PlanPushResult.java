package cutover.activities;

import java.util.List;

/**
 * @param problems validation problems, formatted {@code file:line:column: message}; when any
 *     is present nothing was registered
 * @param created false when the same content was already registered
 */
public record PlanPushResult(String name, String target, String hash, boolean created, List<String> problems) {}
