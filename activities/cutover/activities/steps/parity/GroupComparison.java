package cutover.activities.steps.parity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The aggregates (default {@code count(*)}) per group, from both sides in one statement,
 * compared group by group.
 */
record GroupComparison(ParityReads reads, ComparedSide legacy, ComparedSide fresh) {

  /** @param show how many differing groups to name */
  ParityComparison.Finding run(List<String> groupBy, List<String> aggregates, int show) {
    String groups = groupBy.stream().map(reads::column).collect(Collectors.joining(", "));
    String values = groupBy.stream().map(g -> reads.column(g) + "::text").collect(Collectors.joining(", "));
    String computed = aggregates.stream().map(a -> "(" + a + ")::text").collect(Collectors.joining(", "));

    Map<List<String>, List<String>> legacyGroups = new TreeMap<>(Keys.ORDER);
    Map<List<String>, List<String>> newGroups = new TreeMap<>(Keys.ORDER);
    for (String[] row : ComparedSide.fetchBoth(legacy, groupQuery(legacy, values, computed, groups), fresh,
        groupQuery(fresh, values, computed, groups))) {
      List<String> group = Arrays.asList(row).subList(1, 1 + groupBy.size());
      List<String> aggregate = Arrays.asList(row).subList(1 + groupBy.size(), row.length);
      (row[0].equals(legacy.code()) ? legacyGroups : newGroups).put(group, aggregate);
    }
    TreeSet<List<String>> all = new TreeSet<>(Keys.ORDER);
    all.addAll(legacyGroups.keySet());
    all.addAll(newGroups.keySet());
    List<Map<String, Object>> differing = new ArrayList<>();
    List<String> words = new ArrayList<>();
    for (List<String> group : all) {
      List<String> before = legacyGroups.get(group);
      List<String> after = newGroups.get(group);
      if (Objects.equals(before, after)) {
        continue;
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("group", Keys.map(groupBy, group));
      entry.put("legacy", before == null ? null : Keys.map(aggregates, before));
      entry.put("new", after == null ? null : Keys.map(aggregates, after));
      differing.add(entry);
      if (words.size() < show) {
        words.add(difference(groupBy, group, aggregates, before, after));
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("by", groupBy);
    json.put("aggregates", aggregates);
    json.put("legacyGroups", legacyGroups.size());
    json.put("newGroups", newGroups.size());
    json.put("differing", differing);
    if (differing.isEmpty()) {
      return new ParityComparison.Finding(null, all.size() + " group" + (all.size() == 1 ? "" : "s") + " by ["
          + String.join(", ", groupBy) + "] match (" + String.join(", ", aggregates) + ")", json, null);
    }
    return new ParityComparison.Finding(differing.size() + " of " + all.size() + " groups by ["
        + String.join(", ", groupBy) + "] differ: " + String.join("; ", words)
        + (differing.size() > words.size() ? "; ..." : ""), null, json, null);
  }

  /** How one group differs, in words; {@code before} or {@code after} is null where the group is missing. */
  private static String difference(List<String> groupBy, List<String> group, List<String> aggregates,
      List<String> before, List<String> after) {
    String name = Keys.text(groupBy, group);
    if (before == null) {
      return name + " only in new (" + aggregateText(aggregates, after) + ")";
    }
    if (after == null) {
      return name + " missing in new (legacy " + aggregateText(aggregates, before) + ")";
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < aggregates.size(); i++) {
      if (!Objects.equals(before.get(i), after.get(i))) {
        parts.add(aggregates.get(i) + " " + before.get(i) + " legacy / " + after.get(i) + " new");
      }
    }
    return name + ": " + String.join(", ", parts);
  }

  private static String groupQuery(ComparedSide side, String values, String computed, String groups) {
    return "SELECT '" + side.code() + "', " + values + ", " + computed + " FROM " + side.from() + " s GROUP BY "
        + groups;
  }

  private static String aggregateText(List<String> aggregates, List<String> values) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < aggregates.size(); i++) {
      parts.add(aggregates.get(i) + " " + values.get(i));
    }
    return String.join(", ", parts);
  }
}
