package cutover.activities;

public record ListRuns(String target, int limit) {}
