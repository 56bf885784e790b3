package cutover.plan;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as plans write them: {@code 500ms}, {@code 1.5s}, {@code 10m}, {@code 2h}, {@code 7d} or ISO-8601. */
final class Durations {
  static final String FORMS = "write e.g. 500ms, 30s, 10m, 2h, 7d or ISO-8601 PT10M";

  private static final Pattern SHORT = Pattern.compile("([+-]?)(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");
  private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);
  private static final Map<String, BigDecimal> NANOS_PER_UNIT = Map.of(
      "ms", BigDecimal.valueOf(1_000_000L),
      "s", BigDecimal.valueOf(1_000_000_000L),
      "m", BigDecimal.valueOf(60_000_000_000L),
      "h", BigDecimal.valueOf(3_600_000_000_000L),
      "d", BigDecimal.valueOf(86_400_000_000_000L));

  private Durations() {}

  /** Thrown with the reason a text is not an acceptable duration, e.g. "is negative". */
  static final class BadDuration extends Exception {
    BadDuration(String reason) {
      super(reason, null, false, false);
    }
  }

  static Duration parse(String text) throws BadDuration {
    String value = text.strip();
    Duration duration;
    Matcher matcher = SHORT.matcher(value);
    if (matcher.matches()) {
      duration = ofUnits(new BigDecimal(matcher.group(2)), matcher.group(3));
      if (matcher.group(1).equals("-") && !duration.isZero()) {
        duration = duration.negated();
      }
    } else if (value.toUpperCase(Locale.ROOT).matches("[+-]?P.*")) {
      try {
        duration = Duration.parse(value);
      } catch (DateTimeParseException e) {
        throw new BadDuration("is not a valid ISO-8601 duration (only days, hours, minutes and seconds are allowed)");
      } catch (ArithmeticException e) {
        throw new BadDuration("is too large");
      }
    } else {
      throw new BadDuration("is not a duration");
    }
    if (duration.isNegative()) {
      throw new BadDuration("is negative");
    }
    return duration;
  }

  private static Duration ofUnits(BigDecimal amount, String unit) throws BadDuration {
    BigDecimal nanos = amount.multiply(NANOS_PER_UNIT.get(unit)).stripTrailingZeros();
    if (nanos.scale() > 0) {
      throw new BadDuration("is finer than a nanosecond");
    }
    BigInteger[] parts = nanos.toBigIntegerExact().divideAndRemainder(NANOS_PER_SECOND);
    try {
      return Duration.ofSeconds(parts[0].longValueExact(), parts[1].longValueExact());
    } catch (ArithmeticException e) {
      throw new BadDuration("is too large");
    }
  }
}
