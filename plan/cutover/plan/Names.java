package cutover.plan;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The naming rules of plans, and "did you mean" suggestions. */
final class Names {
  private Names() {}

  /** {@code ^[a-z0-9][a-z0-9<extra>]{0,max-1}$}, explained in words when broken. */
  record Rule(String what, String extra, int max) {
    static final Rule PLAN = new Rule("plan name", "._-", 100);
    static final Rule TARGET = new Rule("target", "._-", 100);
    static final Rule PHASE = new Rule("phase name", "_-", 63);
    static final Rule STEP = new Rule("step id", "_.-", 100);

    private boolean allowed(char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || extra.indexOf(c) >= 0;
    }

    private static boolean alphanumeric(char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    /** What is wrong with {@code value}, or null when it follows the rule. */
    String check(String value) {
      if (value.isEmpty()) {
        return what + " is empty";
      }
      List<String> reasons = new ArrayList<>();
      Set<String> bad = new LinkedHashSet<>();
      for (char c : value.toCharArray()) {
        if (!allowed(c)) {
          bad.add(c == ' ' ? "' ' (space)" : c == '\t' ? "tab" : "'" + c + "'");
        }
      }
      if (!bad.isEmpty()) {
        reasons.add("contains characters that are not allowed: " + String.join(", ", bad));
      }
      if (allowed(value.charAt(0)) && !alphanumeric(value.charAt(0))) {
        reasons.add("starts with '" + value.charAt(0) + "'");
      }
      if (value.length() > max) {
        reasons.add("is " + value.length() + " characters long");
      }
      return reasons.isEmpty() ? null : what + " '" + Nodes.shorten(value) + "' " + String.join(" and ", reasons);
    }

    /** Which characters are allowed, and a corrected name when one can be derived. */
    String fix(String value) {
      StringBuilder chars = new StringBuilder("use only lowercase letters a-z, digits 0-9");
      for (int i = 0; i < extra.length(); i++) {
        chars.append(i == extra.length() - 1 ? " and " : ", ").append('\'').append(extra.charAt(i)).append('\'');
      }
      chars.append(", starting with a letter or digit, at most ").append(max).append(" characters");
      String suggestion = slug(value);
      if (suggestion != null) {
        chars.append(", e.g. '").append(suggestion).append('\'');
      }
      return chars.toString();
    }

    private String slug(String value) {
      StringBuilder out = new StringBuilder();
      for (char c : value.toLowerCase(Locale.ROOT).toCharArray()) {
        if (allowed(c)) {
          out.append(c);
        } else if (out.length() > 0 && out.charAt(out.length() - 1) != '-') {
          out.append('-');
        }
      }
      while (out.length() > 0 && !alphanumeric(out.charAt(0))) {
        out.deleteCharAt(0);
      }
      if (out.length() > max) {
        out.setLength(max);
      }
      while (out.length() > 0 && out.charAt(out.length() - 1) == '-') {
        out.setLength(out.length() - 1);
      }
      String result = out.toString();
      return result.isEmpty() || result.equals(value) || check(result) != null ? null : result;
    }
  }

  /** The candidate closest to {@code name} (ignoring case), or null when none is close enough. */
  static String closest(String name, Collection<String> candidates) {
    String wanted = name.toLowerCase(Locale.ROOT);
    int limit = wanted.length() <= 3 ? 1 : wanted.length() <= 6 ? 2 : 3;
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance = distance(wanted, candidate.toLowerCase(Locale.ROOT));
      if (distance <= limit && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  }

  /** Edit distance counting insertions, deletions, substitutions and swaps of neighbours. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
