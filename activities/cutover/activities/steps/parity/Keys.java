package cutover.activities.steps.parity;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keys and groups (lists of values, as the database printed them): their order, and how they are shown. */
final class Keys {
  private Keys() {}

  /** Numbers as numbers, other values as text: the order keys are listed in. */
  private static final Comparator<String> VALUE_ORDER = (a, b) -> {
    BigDecimal x = number(a);
    BigDecimal y = number(b);
    return x != null && y != null ? x.compareTo(y) : a.compareTo(b);
  };

  /** Value by value, nulls last. */
  static final Comparator<List<String>> ORDER = (a, b) -> {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = Comparator.nullsLast(VALUE_ORDER).compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  };

  /** Each name with its value, in order, for the report. */
  static Map<String, String> map(List<String> names, List<String> values) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      map.put(names.get(i), values.get(i));
    }
    return map;
  }

  /** {@code tenant=1, id=7}, for messages. */
  static String text(List<String> names, List<String> values) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      parts.add(names.get(i) + "=" + values.get(i));
    }
    return String.join(", ", parts);
  }

  /** The value as a number when it is one (digits, a sign, a point), else null; cheap for the rest. */
  private static BigDecimal number(String text) {
    int length = text.length();
    if (length == 0 || length > 40) {
      return null;
    }
    boolean digits = false;
    boolean point = false;
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        digits = true;
      } else if (c == '.' && !point) {
        point = true;
      } else if (!(c == '-' && i == 0)) {
        return null;
      }
    }
    return digits ? new BigDecimal(text) : null;
  }
}
