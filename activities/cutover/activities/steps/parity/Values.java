package cutover.activities.steps.parity;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * Values as the database printed them, compared by value: two numbers are equal when they are the
 * same number ({@code 1.5} and {@code 1.50}, {@code 2} and {@code 2.0}, {@code 1e3} and
 * {@code 1000}), compared exactly as decimals ({@link BigDecimal#compareTo}, the same as
 * {@code stripTrailingZeros().equals}); anything else (text, {@code NaN}, {@code Infinity}, NULL)
 * by its text. A float or double prints as the shortest text that reads back as the same binary
 * value, so two doubles are equal here exactly when they are the same double, and a double is
 * equal to a numeric when its printed decimal is that numeric ({@code 0.1} = {@code 0.1}).
 */
final class Values {
  private Values() {}

  static boolean same(String a, String b) {
    if (Objects.equals(a, b)) {
      return true;
    }
    BigDecimal x = number(a);
    BigDecimal y = number(b);
    return x != null && y != null && x.compareTo(y) == 0;
  }

  static boolean same(List<String> a, List<String> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!same(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** The text as a number, or null when it is not one (or too long to be one worth parsing). */
  static BigDecimal number(String text) {
    if (text == null || text.isEmpty() || text.length() > 400) {
      return null;
    }
    char first = text.charAt(0);
    if (!(first == '-' || first == '+' || first == '.' || first >= '0' && first <= '9')) {
      return null; // NaN, Infinity, words: by text
    }
    try {
      return new BigDecimal(text.strip());
    } catch (NumberFormatException notANumber) {
      return null;
    }
  }
}
