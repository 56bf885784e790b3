package cutover.activities.steps.parity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The aggregates (default {@code count(*)}) per group, from both sides in one statement,
 * compared group by group, by value ({@link Values}).
 *
 * <p>Without {@code groups:} the groups are those present in the data. With it, the relation lists
 * every group: a listed group with no rows on a side has that side's aggregates over no rows
 * ({@code count(*)} 0, {@code sum(x)} NULL), so a tenant empty on both sides matches (0 = 0) or,
 * with {@code requireRows: true}, is a finding; a group with rows that the relation does not list
 * is a finding.
 */
record GroupComparison(ParityReads reads, ComparedSide legacy, ComparedSide fresh) {
  /** Groups listed one by one in the report at most; a count says how many more there were. */
  static final int GROUPS_LISTED = 1_000;
  private static final String LISTED = "g";
  private static final String EMPTY = "e";

  /** Where a group has rows. */
  enum Rows {
    BOTH, LEGACY_ONLY, NEW_ONLY, NEITHER;

    String word() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
  }

  /** @param show how many differing groups to name */
  ParityComparison.Finding run(List<String> groupBy, List<String> aggregates, ParitySpec.Groups listed, int show) {
    String groups = groupBy.stream().map(reads::column).collect(Collectors.joining(", "));
    String values = groupBy.stream().map(g -> reads.column(g) + "::text").collect(Collectors.joining(", "));
    String computed = aggregates.stream().map(a -> "(" + a + ")::text").collect(Collectors.joining(", "));
    List<String[]> fetched = new ArrayList<>(ComparedSide.fetchBoth(legacy, groupQuery(legacy, values, computed, groups),
        fresh, groupQuery(fresh, values, computed, groups)));
    ComparedSide relation = null;
    if (listed != null) {
      // the relation listing every group is on the step's own target; each side's empty aggregates on its own
      relation = ComparedSide.read(LISTED, "groups",
          new ParitySpec.Side(listed.table(), listed.where(), listed.query(), null), reads);
      List<String> key = listed.key().isEmpty() ? groupBy : listed.key();
      relation.require(key, "groups key");
      String nulls = aggregates.stream().map(a -> "NULL::text").collect(Collectors.joining(", "));
      String noGroup = groupBy.stream().map(g -> "NULL::text").collect(Collectors.joining(", "));
      fetched.addAll(reads.fetch("SELECT DISTINCT '" + LISTED + "', "
          + key.stream().map(k -> reads.column(k) + "::text").collect(Collectors.joining(", ")) + ", " + nulls
          + " FROM " + relation.from() + " s"));
      // each side's aggregates over no rows: what a listed group without rows there has
      fetched.addAll(legacy.reads().fetch("SELECT '" + EMPTY + legacy.code() + "', " + noGroup + ", " + computed + " FROM "
          + legacy.from() + " s WHERE false"));
      fetched.addAll(fresh.reads().fetch("SELECT '" + EMPTY + fresh.code() + "', " + noGroup + ", " + computed + " FROM "
          + fresh.from() + " s WHERE false"));
    }
    Map<List<String>, List<String>> legacyGroups = new TreeMap<>(Keys.ORDER);
    Map<List<String>, List<String>> newGroups = new TreeMap<>(Keys.ORDER);
    TreeSet<List<String>> listedGroups = new TreeSet<>(Keys.ORDER);
    List<String> legacyEmpty = null;
    List<String> newEmpty = null;
    for (String[] row : fetched) {
      List<String> group = Collections.unmodifiableList(Arrays.asList(row).subList(1, 1 + groupBy.size()));
      List<String> aggregate = Arrays.asList(row).subList(1 + groupBy.size(), row.length);
      if (row[0].equals(legacy.code())) {
        legacyGroups.put(group, aggregate);
      } else if (row[0].equals(fresh.code())) {
        newGroups.put(group, aggregate);
      } else if (row[0].equals(LISTED)) {
        listedGroups.add(group);
      } else if (row[0].equals(EMPTY + legacy.code())) {
        legacyEmpty = aggregate;
      } else {
        newEmpty = aggregate;
      }
    }
    TreeSet<List<String>> all = new TreeSet<>(Keys.ORDER);
    all.addAll(listedGroups);
    all.addAll(legacyGroups.keySet());
    all.addAll(newGroups.keySet());
    boolean requireRows = listed != null && listed.requireRows();
    List<Map<String, Object>> differing = new ArrayList<>();
    List<Map<String, Object>> perGroup = new ArrayList<>();
    List<String> words = new ArrayList<>();
    List<String> emptyOnBoth = new ArrayList<>();
    List<String> oneSide = new ArrayList<>();
    List<String> unlisted = new ArrayList<>();
    for (List<String> group : all) {
      List<String> before = legacyGroups.get(group);
      List<String> after = newGroups.get(group);
      Rows rows = before != null ? (after != null ? Rows.BOTH : Rows.LEGACY_ONLY)
          : after != null ? Rows.NEW_ONLY : Rows.NEITHER;
      boolean isListed = listed == null || listedGroups.contains(group);
      List<String> legacyValues = before != null ? before : listed != null ? legacyEmpty : null;
      List<String> newValues = after != null ? after : listed != null ? newEmpty : null;
      boolean same = legacyValues != null && newValues != null && Values.same(legacyValues, newValues);
      String finding = !isListed ? "has rows but is not in the groups relation"
          : rows == Rows.NEITHER && requireRows ? "has no rows on either side" : null;
      boolean matches = finding == null && same;
      String name = Keys.text(groupBy, group);
      if (rows == Rows.NEITHER) {
        emptyOnBoth.add(name);
      } else if (rows != Rows.BOTH) {
        oneSide.add(name + " (" + rows.word() + ")");
      }
      if (!isListed) {
        unlisted.add(name);
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("group", Keys.map(groupBy, group));
      entry.put("rows", rows.word());
      entry.put("legacy", legacyValues == null ? null : Keys.map(aggregates, legacyValues));
      entry.put("new", newValues == null ? null : Keys.map(aggregates, newValues));
      entry.put("matches", matches);
      if (listed != null) {
        entry.put("listed", isListed);
      }
      if (perGroup.size() < GROUPS_LISTED) {
        perGroup.add(entry);
      }
      if (matches) {
        continue;
      }
      differing.add(entry);
      if (words.size() < show) {
        words.add(finding != null ? name + " " + finding
            : difference(groupBy, group, aggregates, before, after, legacyValues, newValues));
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("by", groupBy);
    json.put("aggregates", aggregates);
    json.put("legacyGroups", legacyGroups.size());
    json.put("newGroups", newGroups.size());
    if (listed != null) {
      json.put("listedGroups", listedGroups.size());
      json.put("requireRows", requireRows);
      json.put("emptyOnBoth", emptyOnBoth);
      json.put("unlisted", unlisted);
    }
    json.put("oneSideOnly", oneSide);
    json.put("differing", differing);
    json.put("perGroup", perGroup);
    json.put("perGroupOmitted", Math.max(0, all.size() - perGroup.size()));
    String by = " by [" + String.join(", ", groupBy) + "]";
    if (differing.isEmpty()) {
      String empty = emptyOnBoth.isEmpty() ? "" : "; " + emptyOnBoth.size() + " with no rows on either side ("
          + String.join("; ", emptyOnBoth.subList(0, Math.min(show, emptyOnBoth.size())))
          + (emptyOnBoth.size() > show ? "; ..." : "") + ")";
      return new ParityComparison.Finding(null, all.size() + " group" + (all.size() == 1 ? "" : "s") + by + " match ("
          + String.join(", ", aggregates) + ")" + empty, json, null);
    }
    return new ParityComparison.Finding(differing.size() + " of " + all.size() + " groups" + by + " differ: "
        + String.join("; ", words) + (differing.size() > words.size() ? "; ..." : ""), null, json, null);
  }

  /**
   * How one group differs, in words; {@code before} or {@code after} is null where the group has no
   * rows, and {@code legacyValues} / {@code newValues} are then the side's aggregates over no rows
   * (or null, without {@code groups:}).
   */
  private static String difference(List<String> groupBy, List<String> group, List<String> aggregates,
      List<String> before, List<String> after, List<String> legacyValues, List<String> newValues) {
    String name = Keys.text(groupBy, group);
    if (before == null) {
      return name + " only in new (" + aggregateText(aggregates, after) + ")";
    }
    if (after == null) {
      return name + " missing in new (legacy " + aggregateText(aggregates, before) + ")";
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < aggregates.size(); i++) {
      if (!Values.same(legacyValues.get(i), newValues.get(i))) {
        parts.add(aggregates.get(i) + " " + legacyValues.get(i) + " legacy / " + newValues.get(i) + " new");
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
