package cutover.activities;

/** @param version a hash or hash prefix; null for the latest pushed version */
public record PlanRef(String name, String version, String target) {}
